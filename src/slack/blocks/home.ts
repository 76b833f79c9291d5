import type { types } from '@slack/bolt';
import type { BatchView } from '../../projections/batches.ts';
import type { TimelineEntry } from '../../projections/timeline.ts';
import type { StatusBucket, StatusCounts } from '../home-stats.ts';
import { context, divider, escapeText, header, section, slackDate, type Block } from './kit.ts';
import { describeEventType } from '../../projections/timeline-events.ts';
import { actorText } from './messages.ts';

const bucketLabels: Record<StatusBucket, string> = {
  no_login: ':white_circle: No login',
  no_password: ':white_circle: User name only',
  temp_pending: ':hourglass_flowing_sand: Temporary password pending',
  active: ':large_green_circle: Active',
  burned: ':fire: Temporary password burned',
  expired: ':red_circle: Temporary password expired',
  disabled: ':no_entry: Disabled',
  bounced: ':mailbox_with_no_mail: Last email bounced',
};

export interface HomeModel {
  readonly command: string;
  readonly counts: StatusCounts;
  readonly recent: readonly (TimelineEntry & { clientName: string })[];
  readonly unfinished: readonly BatchView[];
}

/** The App Home tab: logins by status, unfinished batches, and the latest activity. */
export function homeView(model: HomeModel): types.HomeView {
  const counts = (Object.keys(bucketLabels) as StatusBucket[]).map(
    (bucket) => `${bucketLabels[bucket]}: *${model.counts[bucket]}*`,
  );
  const recent = model.recent.map(
    (entry) =>
      `${slackDate(entry.at)} · *${escapeText(entry.clientName)}* — ${describeEventType(entry.type)} by ${actorText(entry.actor)}`,
  );
  const blocks: Block[] = [
    header('Client logins'),
    section(counts.join('\n')),
    ...model.unfinished.map((batch) =>
      context(
        `:warning: A ${batch.kind === 'provision' ? 'provisioning' : 'Email Alerts'} batch is unfinished at ${batch.done} of ${batch.total}. ` +
          `If it is not running, \`${model.command} ${batch.kind === 'provision' ? 'provision-all' : 'alerts'}\` resumes it.`,
      ),
    ),
    divider(),
    header('Recent activity'),
    section(recent.length > 0 ? recent.join('\n').slice(0, 3000) : 'Nothing yet.'),
    context(`Find a client with \`${model.command} <part of a name>\`; \`${model.command} help\` lists everything.`),
  ];
  return { type: 'home', blocks };
}
