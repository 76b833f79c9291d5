import { escapeText } from '../../blocks/kit.ts';
import { historyBlocks } from '../../blocks/messages.ts';
import { clientName } from '../../client-summary.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { startClientAction } from './client-action.ts';

/** The client's audit timeline: who did what, when. */
export function showHistoryAction(services: SlackServices) {
  return async function showHistoryListener(args: ButtonArgs): Promise<void> {
    const action = await startClientAction(services, args);
    if (!action) return;
    const name = clientName(action.summary.client);
    const entries = services.deps.readModels.timeline.clientTimeline(action.clientId);
    await replyPrivately(
      args,
      {
        text: `History of ${escapeText(name)}`,
        blocks: historyBlocks({ clientId: action.clientId, name }, entries, services.timeZone),
      },
      { logger: services.logger },
    );
  };
}
