import { outcomeBlocks } from '../../blocks/client-card.ts';
import type { EditorMetadata } from '../../blocks/email-editor.ts';
import { summariseClient } from '../../client-summary.ts';
import type { SlackServices } from '../../services.ts';
import { plainLine } from '../actions/client-action.ts';

/**
 * After a modal saves, the card it was opened from shows the new state: the card's message is
 * replaced through the response URL Slack gave with the click. Best effort: the modal has
 * already said what was saved, and an expired URL only leaves the old card in place.
 */
export async function refreshCard(
  { deps, timeZone, logger }: SlackServices,
  metadata: EditorMetadata,
  line: string,
): Promise<void> {
  if (!metadata.responseUrl) return;
  const summary = summariseClient(deps, metadata.clientId);
  try {
    const answer = await fetch(metadata.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: true,
        text: plainLine(line),
        blocks: outcomeBlocks(line, summary, timeZone),
      }),
    });
    if (!answer.ok) logger.warn({ status: answer.status }, 'could not refresh the client card');
  } catch (error) {
    logger.warn({ err: error }, 'could not refresh the client card');
  }
}
