import type { Requester } from '../../../app/deps.ts';
import type { BatchKind } from '../../../domain/batch.ts';
import { plainMessage } from '../../blocks/messages.ts';
import { postProgressMessage, type ProgressMessage } from '../../progress-message.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import { describeSlackRequester, staffActor } from '../../requester.ts';
import type { SlackServices } from '../../services.ts';

/**
 * What provisioning and Email Alerts share: acknowledge, allow one run of a kind at a time,
 * post the one progress message in the channel that was clicked in, run, and finish the message.
 */
export async function runBulkFromSlack(
  { settings, logger, bulkRuns }: SlackServices,
  args: ButtonArgs,
  kind: BatchKind,
  title: string,
  run: (progress: ProgressMessage, requester: Requester) => Promise<void>,
): Promise<void> {
  await args.ack();
  const requester = describeSlackRequester(args.body);
  const channel = args.body.channel?.id ?? settings.staffChannelId;
  if (!requester || !channel) return;
  const runningBy = bulkRuns.tryStart(kind, requester.userName ?? requester.userId);
  if (runningBy !== null) {
    await replyPrivately(args, {
      text: 'Already running',
      blocks: plainMessage(`${title} is already running (started by ${runningBy}). Watch its progress message.`),
    });
    return;
  }
  try {
    let progress: ProgressMessage;
    try {
      progress = await postProgressMessage(args.client, channel, title, logger);
    } catch (error) {
      logger.warn({ err: error, channel }, 'could not post a progress message');
      await replyPrivately(args, {
        text: 'Could not start',
        blocks: plainMessage(
          `I can't post in this channel, so ${title.toLowerCase()} did not start. Invite me here, or use the staff channel.`,
        ),
      });
      return;
    }
    await run(progress, { actor: staffActor(requester) });
  } finally {
    bulkRuns.finish(kind);
  }
}
