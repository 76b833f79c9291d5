import type { webApi } from '@slack/bolt';
import type { AppDeps } from '../app/deps.ts';
import { recordEvent } from '../app/record-event.ts';
import { decodeEvent } from '../domain/events.ts';
import type { BatchTally } from '../domain/batch.ts';
import { slackProgressStream, type SlackProgressEvent } from '../domain/slack-progress.ts';
import type { Actor } from '../eventstore/port.ts';
import type { Logger } from '../logger.ts';
import { progressBlocks, progressText, stoppedProgressBlocks } from './blocks/bulk.ts';
import { escapeText, section } from './blocks/kit.ts';

export interface ProgressMessage {
  /** The batch is known; its message is recorded so a resumed run can find it. */
  begin(batchId: string): Promise<void>;
  update(tally: BatchTally, total: number): Promise<void>;
  finish(tally: BatchTally, total: number): Promise<void>;
  /** Ends the message with why nothing was done. */
  abandon(reason: string): Promise<void>;
}

export interface ProgressMessageOptions {
  readonly deps: Pick<AppDeps, 'store' | 'clock' | 'businessId'>;
  readonly client: webApi.WebClient;
  readonly channel: string;
  readonly title: string;
  readonly logger: Logger;
  readonly actor: Actor;
  /** The real size of the run, known before it starts, so the first post is already true. */
  readonly expected: { readonly total: number; readonly tally: BatchTally };
  /** The batch this run resumes, whose earlier message is marked as stopped. */
  readonly resumes: string | null;
}

const updateEveryItems = 250;
const updateEveryMs = 2_000;
const finalAttempts = 3;

/**
 * A bulk run's progress as ONE channel message: posted once, then edited in place at most every
 * 250 items or 2 seconds (Slack rate-limits chat.update). A failed edit along the way is logged
 * and skipped, since the next one corrects it; the final one is retried, and if Slack still
 * refuses, the result goes out as a new message so nobody is left reading a stale percentage.
 */
export async function postProgressMessage(options: ProgressMessageOptions): Promise<ProgressMessage> {
  const { deps, client, title, logger, expected } = options;
  let batchId = options.resumes ?? '…';
  const render = (tally: BatchTally, total: number, finished: boolean) => ({
    text: escapeText(progressText(title, tally, total)),
    blocks: progressBlocks({ title, tally, total, finished, batchId }),
  });
  const posted = await client.chat.postMessage({
    channel: options.channel,
    ...render(expected.tally, expected.total, false),
  });
  const ts = posted.ts;
  if (!ts) throw new Error('Slack did not return the timestamp of the progress message');
  const channel = posted.channel ?? options.channel;
  let lastDone = 0;
  let lastAt = performance.now();
  // Batch items may report concurrently: one edit at a time, and the final one always last.
  let editing: Promise<boolean> | null = null;
  const edit = async (tally: BatchTally, total: number, finished: boolean): Promise<boolean> => {
    lastDone = tally.done;
    lastAt = performance.now();
    try {
      await client.chat.update({ channel, ts, ...render(tally, total, finished) });
      return true;
    } catch (error) {
      logger.warn({ err: error, batchId }, 'could not update the Slack progress message');
      return false;
    }
  };
  const record = async (id: string) => {
    const stream = slackProgressStream(id);
    const commandId = `slack-progress:${id}:${ts}`;
    const event: SlackProgressEvent = { type: 'ProgressMessagePosted', data: { batchId: id, channel, messageTs: ts } };
    await recordEvent(
      deps.store,
      stream,
      event,
      { businessId: deps.businessId, commandId, actor: options.actor, at: deps.clock.now() },
      'any',
    );
  };
  if (options.resumes) await markStoppedMessages(options, ts);
  return {
    async begin(id) {
      batchId = id;
      try {
        await record(id);
      } catch (error) {
        logger.warn({ err: error, batchId }, 'could not record where the progress message is');
      }
    },
    async update(tally, total) {
      if (editing || (tally.done - lastDone < updateEveryItems && performance.now() - lastAt < updateEveryMs)) return;
      editing = edit(tally, total, false).finally(() => (editing = null));
      await editing;
    },
    async finish(tally, total) {
      await editing;
      for (let attempt = 1; attempt <= finalAttempts; attempt++) if (await edit(tally, total, true)) return;
      await client.chat.postMessage({ channel, ...render(tally, total, true) });
    },
    async abandon(reason) {
      await editing;
      const message = {
        text: escapeText(`${title}: ${reason}`),
        blocks: [section(`*${escapeText(title)}* — ${escapeText(reason)}`)],
      };
      try {
        await client.chat.update({ channel, ts, ...message });
      } catch (error) {
        logger.warn({ err: error }, 'could not update the Slack progress message');
        await client.chat.postMessage({ channel, ...message });
      }
    },
  };
}

/** The messages of the stopped run say where it stopped, and that this new one carries on. */
async function markStoppedMessages(options: ProgressMessageOptions, ts: string): Promise<void> {
  const recorded = await options.deps.store.readStream(slackProgressStream(options.resumes!));
  for (const stored of recorded) {
    const event = decodeEvent(stored);
    if (event?.type !== 'ProgressMessagePosted') continue;
    const { data } = event;
    if (data.messageTs === ts) continue;
    try {
      await options.client.chat.update({
        channel: data.channel,
        ts: data.messageTs,
        text: escapeText(`${options.title}: stopped at ${options.expected.tally.done} of ${options.expected.total}`),
        blocks: stoppedProgressBlocks({
          title: options.title,
          done: options.expected.tally.done,
          total: options.expected.total,
        }),
      });
    } catch (error) {
      options.logger.warn({ err: error }, 'could not mark the stopped progress message');
    }
  }
}
