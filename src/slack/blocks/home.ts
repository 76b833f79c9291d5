import type { types } from '@slack/bolt';
import type { BatchView } from '../../projections/batches.ts';
import type { TimelineEntry } from '../../projections/timeline.ts';
import type { StatusBucket, StatusCounts } from '../home-stats.ts';
import { actionIds, keyedActionId } from '../ids.ts';
import { describeEvent } from './event-labels.ts';
import { actions, button, confirm, context, divider, escapeText, header, section, type Block } from './kit.ts';
import { actorText } from './messages.ts';
import { readableTime } from './time.ts';

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

/** A client the Home tab asks staff to act on, and when it happened. */
export interface HomeAttention {
  readonly clientId: string;
  readonly clientName: string;
  readonly email: string | null;
  readonly at: string | null;
}

export interface HomeModel {
  readonly command: string;
  readonly timeZone: string;
  readonly counts: StatusCounts;
  readonly recent: readonly (TimelineEntry & { clientName: string })[];
  readonly unfinished: readonly BatchView[];
  readonly bounced: readonly HomeAttention[];
  readonly burned: readonly HomeAttention[];
}

/**
 * The App Home tab: what staff can start from here, who needs attention (each with the button
 * that fixes it), logins by status, unfinished batches, and the latest activity. Every button
 * carries its client in its action id, since Slack refuses one action id twice in a view.
 */
export function homeView(model: HomeModel): types.HomeView {
  const { timeZone } = model;
  const counts = (Object.keys(bucketLabels) as StatusBucket[]).map(
    (bucket) => `${bucketLabels[bucket]}: *${model.counts[bucket]}*`,
  );
  const when = (at: string | null) => (at ? ` · ${readableTime(at, timeZone)}` : '');
  const recent = model.recent.map(
    (entry) =>
      `${readableTime(entry.at, timeZone)} · *${escapeText(entry.clientName)}* — ${describeEvent(entry.type, entry.details)} by ${actorText(entry.actor)}`,
  );
  const blocks: Block[] = [
    header('Client logins'),
    actions('home_actions', [
      button({ text: 'Find a client', actionId: actionIds.searchClients, value: 'search', style: 'primary' }),
      button({ text: 'Provision everyone', actionId: actionIds.openProvisioning, value: 'provision' }),
      button({ text: 'Email Alerts', actionId: actionIds.openEmailAlerts, value: 'email_alerts' }),
    ]),
    section(counts.join('\n')),
    ...model.unfinished.map((batch) =>
      context(
        `:warning: A ${batch.kind === 'provision' ? 'provisioning' : 'Email Alerts'} batch is unfinished at ${batch.done} of ${batch.total}. ` +
          `If it is not running, ${batch.kind === 'provision' ? 'Provision everyone' : 'Email Alerts'} above resumes it.`,
      ),
    ),
    ...(model.bounced.length > 0 ? [divider(), header('Emails that bounced')] : []),
    ...model.bounced.map((client) =>
      section(
        `:mailbox_with_no_mail: *${escapeText(client.clientName)}* · ${client.email ? escapeText(client.email) : 'no email on file'}${when(client.at)}`,
        button({
          text: 'Change email',
          actionId: keyedActionId(actionIds.openEmailEditor, client.clientId),
          value: client.clientId,
        }),
      ),
    ),
    ...(model.burned.length > 0 ? [divider(), header('Temporary passwords burned')] : []),
    ...model.burned.map((client) =>
      section(
        `:fire: *${escapeText(client.clientName)}* · burned by a failed login attempt${when(client.at)}`,
        client.email
          ? button({
              text: 'Email new credentials',
              actionId: keyedActionId(actionIds.emailCredentials, client.clientId),
              value: client.clientId,
              confirm: confirm({
                title: 'Email new credentials?',
                text: `${client.clientName} gets the Client Login Credentials email with a fresh temporary password.`,
                confirm: 'Send email',
              }),
            })
          : button({
              text: 'History',
              actionId: keyedActionId(actionIds.showHistory, client.clientId),
              value: client.clientId,
            }),
      ),
    ),
    divider(),
    header('Recent activity'),
    section(recent.length > 0 ? recent.join('\n').slice(0, 3000) : 'Nothing yet.'),
    context(
      `Or type \`${model.command} <part of a name, an email or a client id>\` anywhere; \`${model.command} help\` lists everything.`,
    ),
  ];
  return { type: 'home', blocks };
}
