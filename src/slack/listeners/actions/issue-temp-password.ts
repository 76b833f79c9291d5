import { issueTempPassword } from '../../../app/logins.ts';
import { tempPasswordBlocks } from '../../blocks/messages.ts';
import { clientName } from '../../client-summary.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { startClientAction } from './client-action.ts';

/**
 * Mints a temporary password and shows it once, to the clicking staff member only. Nothing else
 * keeps it: the log holds its keyed hash, and a replayed click finds the command done and is
 * told to issue a new one instead of seeing the password again.
 */
export function issueTempPasswordAction(services: SlackServices) {
  return async function issueTempPasswordListener(args: ButtonArgs): Promise<void> {
    const action = await startClientAction(services, args);
    if (!action) return;
    if (!args.body.response_url && !args.body.channel?.id) {
      await action.report(
        ':x: A temporary password can only be shown from a client card. Find the client with the slash command.',
      );
      return;
    }
    const issued = await issueTempPassword(
      services.deps,
      { clientId: action.clientId, delivery: 'shown_to_staff' },
      action.requester,
    );
    if (!issued.ok) return action.report(`:x: ${issued.error.message}`);
    await replyPrivately(args, {
      // The notification text stays generic: lock screens show it.
      text: `Temporary password for ${clientName(action.summary.client)} (only you can see it)`,
      blocks: tempPasswordBlocks({
        clientName: clientName(action.summary.client),
        userName: issued.value.userName,
        password: issued.value.password,
        expiresAt: issued.value.expiresAt,
      }),
    });
  };
}
