/**
 * Where a bulk run's one Slack progress message is, stream `slack-progress-<batchId>`. A run
 * resumed after a crash finds the message the stopped run left and marks it, instead of leaving
 * a progress bar frozen at some percentage forever. Nothing here is a secret: a channel and a
 * message timestamp.
 */
export type SlackProgressEvent = {
  readonly type: 'ProgressMessagePosted';
  readonly data: { readonly batchId: string; readonly channel: string; readonly messageTs: string };
};

export const slackProgressStream = (batchId: string): string => `slack-progress-${batchId}`;
