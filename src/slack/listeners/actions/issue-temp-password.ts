import { issueTempPassword, withdrawTempPassword, type TempPasswordWithdrawal } from '../../../app/logins.ts';
import type { Rejection, Result } from '../../../domain/result.ts';
import { escapeText } from '../../blocks/kit.ts';
import { plainMessage, tempPasswordBlocks } from '../../blocks/messages.ts';
import { readableTime } from '../../blocks/time.ts';
import { clientName } from '../../client-summary.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { startClientAction } from './client-action.ts';

/**
 * Mints a temporary password and shows it once, to the clicking staff member only. Nothing else
 * keeps it: the log holds its keyed hash, and a replayed click finds the command done and is
 * told to issue a new one instead of seeing the password again.
 *
 * Issuing burns the earlier temporary password, so one that cannot be shown must not be minted:
 * a private reply is proven first (the response URL, else an ephemeral message), and the password
 * goes the same way seconds later. If no private way works, nothing is issued and staff are told.
 * If the proven way fails by then (the response URL expired, the bot was removed from the channel),
 * the unseen password is withdrawn and the one it replaced is pending again, and staff are told.
 */
export function issueTempPasswordAction(services: SlackServices) {
  return async function issueTempPasswordListener(args: ButtonArgs): Promise<void> {
    const action = await startClientAction(services, args);
    if (!action) return;
    const { logger, timeZone } = services;
    const name = clientName(action.summary.client);
    const escapedName = escapeText(name);
    const proven = await replyPrivately(
      args,
      {
        text: `Issuing a temporary password for ${escapedName}…`,
        blocks: plainMessage('Issuing a temporary password…'),
      },
      { secret: true, logger },
    );
    if (!proven) {
      await replyPrivately(
        args,
        {
          text: 'No temporary password was issued',
          blocks: plainMessage(
            ':x: I could not reply to you privately here, so no temporary password was issued and nothing changed. Find the client with the slash command in a channel I am in, and try again.',
          ),
        },
        { logger },
      );
      return;
    }
    const issued = await issueTempPassword(
      services.deps,
      { clientId: action.clientId, delivery: 'shown_to_staff' },
      action.requester,
    );
    if (!issued.ok) return action.report(`:x: ${issued.error.message}`);
    const shown = await replyPrivately(
      args,
      {
        // The notification text stays generic: lock screens show it.
        text: `Temporary password for ${escapedName} (only you can see it)`,
        blocks: tempPasswordBlocks({
          clientName: name,
          userName: issued.value.userName,
          password: issued.value.password,
          expiresAt: issued.value.expiresAt,
          timeZone,
        }),
      },
      { secret: true, logger, prefer: proven },
    );
    if (!shown) {
      logger.warn({ clientId: action.clientId }, 'a temporary password could not be shown; withdrawing it');
      const { tempPasswordId, replacedTempPasswordId } = issued.value;
      const withdrawal = await withdrawTempPassword(
        services.deps,
        { clientId: action.clientId, tempPasswordId, replacedTempPasswordId },
        { ...action.requester, commandId: `${action.requester.commandId}:withdraw` },
      ).catch((error: unknown) => {
        logger.error({ err: error, clientId: action.clientId }, 'an unseen temporary password could not be withdrawn');
        return null;
      });
      await action.report(notShownText(withdrawal, timeZone));
    }
  };
}

function notShownText(withdrawal: Result<TempPasswordWithdrawal, Rejection> | null, timeZone: string): string {
  const lead = ':warning: Slack would not show you the new temporary password';
  if (!withdrawal?.ok)
    return `${lead}, and I could not withdraw it, so the one before it no longer works. Click again from a channel I am in to get a new one.`;
  if (!withdrawal.value.withdrawn)
    return `${lead}; it was already replaced or used, so nothing was withdrawn. Click again for a new one.`;
  const earlier = withdrawal.value.restoredExpiresAt
    ? `The temporary password issued before it works again, until ${readableTime(withdrawal.value.restoredExpiresAt, timeZone)}.`
    : 'No temporary password is pending for this client now; a permanent password they chose still works.';
  return `${lead}, so it was withdrawn: it will never work. ${earlier} Click again from a channel I am in to get a new one.`;
}
