import type { webApi } from '@slack/bolt';
import type { BatchTally } from '../domain/batch.ts';
import type { Logger } from '../logger.ts';
import { progressBlocks, progressText } from './blocks/bulk.ts';
import { escapeText, section } from './blocks/kit.ts';

export interface ProgressMessage {
  begin(batchId: string): void;
  update(tally: BatchTally, total: number): Promise<void>;
  finish(tally: BatchTally, total: number): Promise<void>;
  /** Ends the message with why nothing was done. */
  abandon(reason: string): Promise<void>;
}

const updateEveryItems = 250;
const updateEveryMs = 2_000;
const noTally: BatchTally = { done: 0, succeeded: 0, skipped: 0, failed: 0 };

/**
 * A bulk run's progress as ONE channel message: posted once, then edited in place at most every
 * 250 items or 2 seconds (Slack rate-limits chat.update), and once more at the end. A failed edit
 * is logged and skipped: the batch matters more than its progress bar.
 */
export async function postProgressMessage(
  client: webApi.WebClient,
  channel: string,
  title: string,
  logger: Logger,
): Promise<ProgressMessage> {
  let batchId = '…';
  const render = (tally: BatchTally, total: number, finished: boolean) => ({
    text: progressText(title, tally, total),
    blocks: progressBlocks({ title, tally, total, finished, batchId }),
  });
  const posted = await client.chat.postMessage({ channel, ...render(noTally, 0, false) });
  const ts = posted.ts;
  if (!ts) throw new Error('Slack did not return the timestamp of the progress message');
  let lastDone = 0;
  let lastAt = performance.now();
  // Batch items may report concurrently: one edit at a time, and the final one always last.
  let editing: Promise<void> | null = null;
  const edit = async (tally: BatchTally, total: number, finished: boolean) => {
    lastDone = tally.done;
    lastAt = performance.now();
    try {
      await client.chat.update({ channel: posted.channel ?? channel, ts, ...render(tally, total, finished) });
    } catch (error) {
      logger.warn({ err: error, batchId }, 'could not update the Slack progress message');
    }
  };
  return {
    begin(id) {
      batchId = id;
    },
    async update(tally, total) {
      if (editing || (tally.done - lastDone < updateEveryItems && performance.now() - lastAt < updateEveryMs)) return;
      editing = edit(tally, total, false).finally(() => (editing = null));
      await editing;
    },
    async finish(tally, total) {
      await editing;
      await edit(tally, total, true);
    },
    async abandon(reason) {
      await editing;
      await client.chat.update({
        channel: posted.channel ?? channel,
        ts,
        text: `${title}: ${reason}`,
        blocks: [section(`*${escapeText(title)}* — ${escapeText(reason)}`)],
      });
    },
  };
}
