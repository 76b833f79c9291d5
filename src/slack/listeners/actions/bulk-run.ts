import type { Requester } from '../../../app/deps.ts';
import type { BatchKind, BatchTally } from '../../../domain/batch.ts';
import { plainMessage } from '../../blocks/messages.ts';
import { postProgressMessage, type ProgressMessage } from '../../progress-message.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import { describeSlackRequester, staffActor } from '../../requester.ts';
import type { SlackServices } from '../../services.ts';

/** What a run will do, known before it starts: the first progress post shows it. */
export interface BulkPlan {
  readonly total: number;
  readonly tally: BatchTally;
  /** The unfinished batch this run resumes, if any. */
  readonly resumes: string | null;
}

export const freshTally: BatchTally = { done: 0, succeeded: 0, skipped: 0, failed: 0 };

/**
 * What provisioning and Email Alerts share: acknowledge, allow one run of a kind at a time,
 * post the one progress message in the channel that was clicked in (the staff channel for a
 * click in the Home tab or a modal), run, and finish the message.
 */
export async function runBulkFromSlack(
  services: SlackServices,
  args: ButtonArgs,
  kind: BatchKind,
  title: string,
  plan: BulkPlan,
  run: (progress: ProgressMessage, requester: Requester) => Promise<void>,
): Promise<void> {
  const { settings, logger, bulkRuns, deps } = services;
  await args.ack();
  const requester = describeSlackRequester(args.body);
  const channel = args.body.channel?.id ?? settings.staffChannelId;
  if (!requester) return;
  if (!channel) {
    await replyPrivately(
      args,
      {
        text: 'Could not start',
        blocks: plainMessage(`${title} needs a channel for its progress: run it from a channel I am in.`),
      },
      { logger },
    );
    return;
  }
  const runningBy = bulkRuns.tryStart(kind, requester.userName ?? requester.userId);
  if (runningBy !== null) {
    await replyPrivately(
      args,
      {
        text: 'Already running',
        blocks: plainMessage(`${title} is already running (started by ${runningBy}). Watch its progress message.`),
      },
      { logger },
    );
    return;
  }
  try {
    let progress: ProgressMessage;
    const actor = staffActor(requester);
    try {
      progress = await postProgressMessage({
        deps,
        client: args.client,
        channel,
        title,
        logger,
        actor,
        expected: { total: plan.total, tally: plan.tally },
        resumes: plan.resumes,
      });
    } catch (error) {
      logger.warn({ err: error, channel }, 'could not post a progress message');
      await replyPrivately(
        args,
        {
          text: 'Could not start',
          blocks: plainMessage(
            `I can't post in this channel, so ${title.toLowerCase()} did not start. Invite me here, or use the staff channel.`,
          ),
        },
        { logger },
      );
      return;
    }
    await run(progress, { actor });
  } finally {
    bulkRuns.finish(kind);
  }
}
