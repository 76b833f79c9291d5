import type { ButtonAction } from '@slack/bolt';
import { newId } from '../../../app/ids.ts';
import type { Requester } from '../../../app/deps.ts';
import { outcomeBlocks } from '../../blocks/client-card.ts';
import { summariseClient, type ClientSummary } from '../../client-summary.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import { describeSlackRequester, slackCommandId, staffActor } from '../../requester.ts';
import type { SlackServices } from '../../services.ts';

export interface ClientAction {
  readonly clientId: string;
  readonly summary: ClientSummary;
  /** The Slack user as actor, and a command id derived from the click so a replay appends nothing. */
  readonly requester: Requester & { readonly commandId: string };
  /** Replies privately with a line and the refreshed card. */
  report(line: string): Promise<void>;
}

/** Mrkdwn markers and escapes are for blocks; the notification text reads as plain words. */
export const plainLine = (line: string): string =>
  line
    .replace(/:[a-z_]+: /g, '')
    .replace(/[*_`]/g, '')
    .replace(/&lt;/g, '‹')
    .replace(/&gt;/g, '›')
    .replace(/&amp;/g, '&');

/** What every card button does first: acknowledge, then find the client and who clicked. */
export async function startClientAction(
  { deps, timeZone, logger }: SlackServices,
  args: ButtonArgs,
): Promise<ClientAction | null> {
  await args.ack();
  const requester = describeSlackRequester(args.body);
  const clientId = (args.action as ButtonAction).value ?? '';
  const summary = summariseClient(deps, clientId);
  if (!requester || !summary) {
    await replyPrivately(
      args,
      {
        text: 'That client is no longer in the directory.',
        blocks: outcomeBlocks(':x: That client is no longer in the directory.', null, timeZone),
      },
      { logger },
    );
    return null;
  }
  return {
    clientId,
    summary,
    requester: { actor: staffActor(requester), commandId: slackCommandId(requester, newId) },
    async report(line) {
      await replyPrivately(
        args,
        { text: plainLine(line), blocks: outcomeBlocks(line, summariseClient(deps, clientId), timeZone) },
        { logger },
      );
    },
  };
}
