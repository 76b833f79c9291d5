import type { Block } from './kit.ts';
import { actions, button, confirm, context, escapeText, section } from './kit.ts';
import { actionIds } from '../ids.ts';

/** A button value holds at most 2,000 characters: the ids it carries, comma-separated. */
const buttonValueLimit = 2_000;

/** The left-out ids that fit in one button, in order. */
export function idsForOneButton(clientIds: readonly string[]): string[] {
  const fitting: string[] = [];
  let length = 0;
  for (const clientId of clientIds) {
    length += clientId.length + (fitting.length > 0 ? 1 : 0);
    if (length > buttonValueLimit) break;
    fitting.push(clientId);
  }
  return fitting;
}

export const parseResendValue = (value: string): string[] =>
  value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);

/**
 * After an Email Alert left out clients sent credentials within the resend cooldown: how many and
 * why, and the Slack equivalent of the CLI's --force behind a confirm, since each new email
 * replaces the password of the one the client may be reading.
 */
export function resendOfferBlocks(input: {
  readonly clientIds: readonly string[];
  readonly names: readonly string[];
  readonly cooldownHours: number;
}): Block[] {
  const offered = idsForOneButton(input.clientIds);
  const count = input.clientIds.length;
  const who = count === 1 ? '1 client was' : `${count} clients were`;
  const shown = input.names.slice(0, 10).map(escapeText).join(', ');
  const more = input.names.length > 10 ? ` and ${input.names.length - 10} more` : '';
  const blocks: Block[] = [
    section(
      `${who} left out because they were sent credentials in the last ${input.cooldownHours} hours: ${shown}${more}. ` +
        'Another email now replaces the password in the one they may be reading.',
    ),
    actions('credentials_resend', [
      button({
        text: `Send anyway to ${offered.length}`,
        actionId: actionIds.resendCredentialsAnyway,
        value: offered.join(','),
        confirm: confirm({
          title: 'Send credentials again?',
          text: `Email ${offered.length} ${offered.length === 1 ? 'client' : 'clients'} a new temporary password now. The password in the email they were sent earlier stops working.`,
          confirm: 'Send anyway',
          danger: true,
        }),
      }),
    ]),
  ];
  if (offered.length < count)
    blocks.push(
      context(
        `One button holds ${offered.length} of them; send the rest from the command line with \`latchkey mail alert --group ids --ids … --force\`.`,
      ),
    );
  return blocks;
}
