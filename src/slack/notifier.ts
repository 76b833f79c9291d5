import { webApi } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { AppDeps } from '../app/deps.ts';
import { handleCommand, type Decider } from '../app/handle-command.ts';
import { forBusiness } from '../app/business-scope.ts';
import { businessOf, decodeEvent, isEventOfStream } from '../domain/events.ts';
import {
  decideStaffAlert,
  evolveStaffAlert,
  initialStaffAlertState,
  staffAlertStream,
  type StaffAlertCommand,
  type StaffAlertEvent,
  type StaffAlertState,
} from '../domain/staff-alert.ts';
import type { RecordedEvent } from '../eventstore/port.ts';
import { subscribe, type Subscription } from '../eventstore/subscription.ts';
import type { Logger } from '../logger.ts';
import { alertSubjectOf } from './alert-events.ts';
import type { AlertTargetOf } from './alert-targets.ts';
import { openAlertCheckpoint } from './alert-checkpoint.ts';
import { alertMessage } from './blocks/alerts.ts';

const staffAlertDecider: Decider<StaffAlertCommand, StaffAlertEvent, StaffAlertState> = {
  initialState: initialStaffAlertState,
  accepts: (event) => isEventOfStream(event, 'staff-alert'),
  evolve: (state, event, metadata) => evolveStaffAlert(state, event, metadata.at),
  decide: decideStaffAlert,
};
const notifierActor = { kind: 'system', id: 'slack-notifier' } as const;

/** Slack's answers that say a business's channel or token is wrong, rather than that Slack is busy. */
const setupRefusals = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
]);

function setupRefusalOf(error: unknown): string | null {
  if (!(error instanceof Error) || !('code' in error) || error.code !== webApi.ErrorCode.PlatformError) return null;
  const answer = (error as webApi.WebAPIPlatformError).data.error;
  return setupRefusals.has(answer) ? answer : null;
}

export interface StaffAlertsOptions {
  readonly deps: AppDeps;
  /** Each business's alerts channel and the client of its own workspace, or null: its alerts are not posted. */
  readonly targetOf: AlertTargetOf;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly pollIntervalMs?: number;
  /** A claim older than this without a posted record is taken over (its poster died mid-way). */
  readonly staleClaimMs?: number;
}

/**
 * Staff alerts (burned temporary password, failed email, completed first login) posted to the
 * alerts channel of the business the event belongs to, in that business's own workspace; a
 * business with no alerts channel or no workspace gets none, and no other business's channel
 * ever sees them. At least once: a catch-up subscription from a durable checkpoint, which only
 * moves after the batch's alerts are posted. De-duplicated by the alerting event's id: each alert
 * is claimed in the event store before it is posted and recorded after, so a restart, a retry or
 * a second instance skips what was posted. The one window left: a crash after Slack accepted the
 * post and before the record was appended; that alert is posted again once its claim goes stale.
 */
export async function startStaffAlerts(options: StaffAlertsOptions): Promise<Subscription> {
  const { deps, targetOf, logger } = options;
  const checkpoint = openAlertCheckpoint(resolve(options.dataDir, 'slack-alerts.sqlite'));
  const claimant = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const staleAfterMs = options.staleClaimMs ?? 2 * 60_000;
  // First start: alert from now on, not about everything that ever happened.
  const after = checkpoint.read() ?? deps.projections.checkpoint();
  if (after !== null) checkpoint.write(after);

  const run = (businessId: string, eventId: string, command: StaffAlertCommand, commandId: string) =>
    handleCommand(deps.store, staffAlertDecider, staffAlertStream(eventId), command, {
      businessId,
      actor: notifierActor,
      commandId,
      at: deps.clock.now(),
    });

  async function deliver(stored: RecordedEvent): Promise<void> {
    const event = decodeEvent(stored);
    const found = event && alertSubjectOf(event);
    if (!event || !found) return;
    const businessId = businessOf(event);
    const target = targetOf(businessId);
    if (target === null) return;
    const now = deps.clock.now().toISOString();
    const claimed = await run(
      businessId,
      event.id,
      { type: 'ClaimStaffAlert', eventId: event.id, claimant, now, staleAfterMs },
      `${claimant}:claim:${event.id}`,
    );
    if (!claimed.ok) throw new Error(claimed.error.message);
    if (claimed.value.state.status === 'posted') return;
    const { readModels } = forBusiness(deps, businessId);
    const message = alertMessage(found.clientId, readModels.clients.getClient(found.clientId), found.subject);
    const { client, channel } = target;
    const posted = await client.chat
      .postMessage({
        channel,
        ...message,
        metadata: { event_type: 'latchkey_alert', event_payload: { event_id: event.id } },
      })
      .catch((error: unknown) => {
        const refusal = setupRefusalOf(error);
        if (refusal === null) throw error;
        // Retrying cannot help until the business fixes its Slack setup, and would hold every
        // other business's alerts behind this one.
        logger.error(
          { businessId, channel, eventId: event.id, slackError: refusal },
          "a business's alert could not be posted to its alerts channel; it is skipped",
        );
        return null;
      });
    if (posted === null) return;
    if (!posted.ts) throw new Error(`Slack did not return a timestamp for the alert on event ${event.id}`);
    await run(
      businessId,
      event.id,
      { type: 'RecordStaffAlertPosted', eventId: event.id, channel, messageTs: posted.ts },
      `posted:${event.id}`,
    );
  }

  const subscription = subscribe(deps.store, {
    after,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    batchSize: 200,
    async handle(events) {
      for (const event of events) await deliver(event);
      checkpoint.write(events[events.length - 1]!.position);
    },
    onError: (error) => logger.error({ err: error }, 'posting staff alerts failed; retrying'),
  });
  return {
    ...subscription,
    async stop() {
      await subscription.stop();
      checkpoint.close();
    },
  };
}
