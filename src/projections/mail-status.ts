import type Database from 'better-sqlite3';
import { businessOf, isEventOfStream } from '../domain/events.ts';
import type { MailEvent, MailTemplate, SuppressionReason } from '../domain/mail.ts';
import { toMailRequest } from '../mail/requests.ts';
import type { Projection } from './projection.ts';

/**
 * Where one email stands: requested, then what the relay recorded (sent, retrying, failed, gave
 * up, suppressed), then what Mailgun's webhooks reported.
 */
export type MailHistoryState =
  | 'requested'
  | 'retrying'
  | 'sent'
  | 'failed'
  | 'gave_up'
  | 'suppressed'
  | 'skipped'
  | 'delivered'
  | 'deferred'
  | 'bounced'
  | 'complained'
  | 'unsubscribed';

/** One email in a client's mail history. Never its body: that held a secret. */
export interface MailHistoryEntry {
  readonly requestEventId: string;
  readonly clientId: string;
  readonly template: MailTemplate;
  readonly to: string | null;
  readonly providerMessageId: string | null;
  readonly state: MailHistoryState;
  readonly reason: string | null;
  readonly requestedAt: string;
  readonly sentAt: string | null;
  /** Attempts that failed transiently so far. */
  readonly failedAttempts: number;
  /** While retrying: when the next attempt is due. */
  readonly nextAttemptAt: string | null;
  readonly updatedAt: string;
}

export interface MailSuppression {
  readonly address: string;
  readonly reason: SuppressionReason;
  readonly since: string;
  /** The client whose email's report suppressed the address. */
  readonly clientId: string;
}

interface MailHistoryRow {
  request_event_id: string;
  client_id: string;
  template: MailTemplate;
  recipient: string | null;
  provider_message_id: string | null;
  state: MailHistoryState;
  reason: string | null;
  requested_at: string;
  sent_at: string | null;
  failed_attempts: number;
  next_attempt_at: string | null;
  updated_at: string;
}

const suppressionByReport = {
  EmailBounced: 'bounced',
  EmailComplained: 'complained',
  EmailUnsubscribed: 'unsubscribed',
} as const satisfies Partial<Record<MailEvent['type'], SuppressionReason>>;

/**
 * Keeps each client's mail history, the addresses no longer mailed, and the credential card's
 * "last email" columns (credentials.last_email_at / last_email_state) in step with the log. A
 * delivery report moves the card only when it is about the client's latest email, so a late
 * report on an older message cannot hide the state of the newest one.
 */
export const mailStatusProjection: Projection = {
  name: 'mail-status',
  schema: `
    CREATE TABLE IF NOT EXISTS mail_history (
      request_event_id    TEXT NOT NULL UNIQUE,
      seq                 INTEGER PRIMARY KEY,
      business_id         TEXT NOT NULL,
      client_id           TEXT NOT NULL,
      template            TEXT NOT NULL,
      recipient           TEXT,
      provider_message_id TEXT,
      state               TEXT NOT NULL,
      reason              TEXT,
      requested_at        TEXT NOT NULL,
      sent_at             TEXT,
      failed_attempts     INTEGER NOT NULL DEFAULT 0,
      next_attempt_at     TEXT,
      updated_at          TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS mail_history_client ON mail_history (business_id, client_id, seq);
    CREATE INDEX IF NOT EXISTS mail_history_message ON mail_history (provider_message_id);
    CREATE INDEX IF NOT EXISTS mail_history_state ON mail_history (state);
    CREATE TABLE IF NOT EXISTS mail_suppressions (
      business_id TEXT NOT NULL,
      address     TEXT NOT NULL,
      reason      TEXT NOT NULL,
      since       TEXT NOT NULL,
      client_id   TEXT NOT NULL,
      PRIMARY KEY (business_id, address)
    );
    CREATE TABLE IF NOT EXISTS credentials_email_requests (
      business_id       TEXT NOT NULL,
      client_id         TEXT NOT NULL,
      last_requested_at TEXT NOT NULL,
      PRIMARY KEY (business_id, client_id)
    );`,
  tables: [
    { name: 'mail_history', orderBy: 'seq' },
    { name: 'mail_suppressions', orderBy: 'business_id, address' },
    { name: 'credentials_email_requests', orderBy: 'business_id, client_id' },
  ],
  bind(db) {
    // seq is the rowid: SQLite draws the next one from the end of the table's b-tree, where a
    // max(seq) over an unindexed column read the whole table for every email requested.
    const insertRequest =
      db.prepare(`INSERT INTO mail_history (request_event_id, business_id, client_id, template, state, requested_at,
      updated_at) VALUES (@requestEventId, @businessId, @clientId, @template, 'requested', @at, @at) ON CONFLICT DO NOTHING`);
    const credentialsRequested = db.prepare(`INSERT INTO credentials_email_requests (business_id, client_id,
      last_requested_at) VALUES (@businessId, @clientId, @at)
      ON CONFLICT (business_id, client_id) DO UPDATE SET last_requested_at = excluded.last_requested_at`);
    const afterSent =
      db.prepare(`UPDATE mail_history SET state = 'sent', recipient = @to, provider_message_id = @providerMessageId,
      sent_at = @at, next_attempt_at = NULL, updated_at = @at WHERE request_event_id = @requestEventId`);
    const afterNotSent =
      db.prepare(`UPDATE mail_history SET state = @state, reason = @reason, recipient = coalesce(@to, recipient),
      next_attempt_at = NULL, updated_at = @at WHERE request_event_id = @requestEventId`);
    const afterDeferred =
      db.prepare(`UPDATE mail_history SET state = 'retrying', reason = @reason, failed_attempts = @attempt,
      next_attempt_at = @retryAt, updated_at = @at WHERE request_event_id = @requestEventId`);
    const cardAfterOutcome = db.prepare(
      `UPDATE credentials SET last_email_at = @at, last_email_state = @state
        WHERE business_id = @businessId AND client_id = @clientId`,
    );
    const historyAfterReport = db.prepare(
      `UPDATE mail_history SET state = @state, reason = @reason, updated_at = @at
        WHERE business_id = @businessId AND provider_message_id = @providerMessageId`,
    );
    const cardAfterReport = db.prepare(`UPDATE credentials SET last_email_state = @state
      WHERE business_id = @businessId AND client_id IN (
      SELECT h.client_id FROM mail_history h WHERE h.business_id = @businessId AND h.provider_message_id = @providerMessageId
        AND h.seq = (SELECT max(seq) FROM mail_history
          WHERE business_id = h.business_id AND client_id = h.client_id AND state <> 'requested'))`);
    const suppress = db.prepare(`INSERT INTO mail_suppressions (business_id, address, reason, since, client_id)
      SELECT DISTINCT @businessId, lower(recipient), @reason, @at, @clientId FROM mail_history
      WHERE business_id = @businessId AND provider_message_id = @providerMessageId AND recipient IS NOT NULL
      ON CONFLICT (business_id, address) DO UPDATE SET reason = excluded.reason, since = excluded.since,
        client_id = excluded.client_id`);
    const unsuppress = db.prepare(
      'DELETE FROM mail_suppressions WHERE business_id = @businessId AND address = lower(@address)',
    );
    const report = (
      businessId: string,
      at: string,
      providerMessageId: string,
      state: MailHistoryState,
      reason: string | null,
      movesCard: boolean,
    ) => {
      historyAfterReport.run({ businessId, at, providerMessageId, state, reason });
      if (movesCard) cardAfterReport.run({ businessId, providerMessageId, state });
    };
    return (event) => {
      const at = event.metadata.at;
      const businessId = businessOf(event);
      const request = toMailRequest(event);
      if (request) {
        insertRequest.run({
          businessId,
          requestEventId: event.id,
          clientId: request.clientId,
          template: request.template,
          at,
        });
        if (event.type === 'CredentialsEmailRequested')
          credentialsRequested.run({ businessId, clientId: request.clientId, at });
        return;
      }
      if (!isEventOfStream(event, 'mail')) return;
      // An outcome always follows its request; should one stand alone, it still gets its row.
      if ('requestEventId' in event.data) {
        const { requestEventId, clientId, template } = event.data;
        insertRequest.run({ businessId, requestEventId, clientId, template, at });
      }
      switch (event.type) {
        case 'EmailSent':
          afterSent.run({ ...event.data, at });
          return void cardAfterOutcome.run({ businessId, clientId: event.data.clientId, at, state: 'sent' });
        case 'EmailSendFailed':
          afterNotSent.run({
            requestEventId: event.data.requestEventId,
            state: event.data.gaveUpAfterAttempts ? 'gave_up' : 'failed',
            reason: event.data.reason,
            to: null,
            at,
          });
          return void cardAfterOutcome.run({ businessId, clientId: event.data.clientId, at, state: 'failed' });
        case 'EmailSendDeferred':
          return void afterDeferred.run({ ...event.data, at });
        case 'EmailSuppressed':
          afterNotSent.run({
            requestEventId: event.data.requestEventId,
            state: 'suppressed',
            reason: `the address ${event.data.reason} on ${event.data.since.slice(0, 10)}`,
            to: event.data.to,
            at,
          });
          return void cardAfterOutcome.run({ businessId, clientId: event.data.clientId, at, state: 'failed' });
        case 'EmailSendSkipped':
          afterNotSent.run({
            requestEventId: event.data.requestEventId,
            state: 'skipped',
            reason: 'staff issued a temporary password by hand after it was requested',
            to: null,
            at,
          });
          return void cardAfterOutcome.run({ businessId, clientId: event.data.clientId, at, state: 'skipped' });
        case 'EmailSuppressionLifted':
          return void unsuppress.run({ businessId, address: event.data.address });
        case 'EmailDelivered':
          return report(businessId, at, event.data.providerMessageId, 'delivered', null, true);
        case 'EmailDeliveryFailed':
          // A temporary failure is retried by Mailgun: the email is late, not lost.
          return event.data.severity === 'temporary'
            ? report(businessId, at, event.data.providerMessageId, 'deferred', event.data.reason, false)
            : report(businessId, at, event.data.providerMessageId, 'failed', event.data.reason, true);
        case 'EmailBounced':
          report(businessId, at, event.data.providerMessageId, 'bounced', event.data.reason, true);
          break;
        case 'EmailComplained':
          report(businessId, at, event.data.providerMessageId, 'complained', null, true);
          break;
        case 'EmailUnsubscribed':
          report(businessId, at, event.data.providerMessageId, 'unsubscribed', null, false);
          break;
        default: {
          const _exhaustive: never = event;
          return _exhaustive;
        }
      }
      suppress.run({
        businessId,
        reason: suppressionByReport[event.type],
        at,
        clientId: event.data.clientId,
        providerMessageId: event.data.providerMessageId,
      });
    };
  },
};

function toEntry(row: MailHistoryRow): MailHistoryEntry {
  return {
    requestEventId: row.request_event_id,
    clientId: row.client_id,
    template: row.template,
    to: row.recipient,
    providerMessageId: row.provider_message_id,
    state: row.state,
    reason: row.reason,
    requestedAt: row.requested_at,
    sentAt: row.sent_at,
    failedAttempts: row.failed_attempts,
    nextAttemptAt: row.next_attempt_at,
    updatedAt: row.updated_at,
  };
}

/** One business's mail. */
export function createMailQueries(db: Database.Database, businessId: string) {
  const forClient = db.prepare(
    'SELECT * FROM mail_history WHERE business_id = ? AND client_id = ? ORDER BY seq DESC LIMIT ?',
  );
  const byMessage = db.prepare(
    'SELECT DISTINCT client_id FROM mail_history WHERE business_id = ? AND provider_message_id = ? ORDER BY client_id',
  );
  const retrying = db.prepare(
    "SELECT * FROM mail_history WHERE business_id = ? AND state = 'retrying' ORDER BY next_attempt_at, seq",
  );
  const troubled = db.prepare(
    "SELECT * FROM mail_history WHERE business_id = ? AND state IN ('retrying', 'gave_up', 'suppressed', 'failed', 'bounced', 'complained') ORDER BY seq DESC LIMIT ?",
  );
  const suppression = db.prepare('SELECT * FROM mail_suppressions WHERE business_id = ? AND address = lower(?)');
  const suppressions = db.prepare('SELECT * FROM mail_suppressions WHERE business_id = ? ORDER BY since DESC');
  const lastCredentials = db.prepare(
    'SELECT last_requested_at FROM credentials_email_requests WHERE business_id = ? AND client_id = ?',
  );
  const toSuppression = (row: { address: string; reason: SuppressionReason; since: string; client_id: string }) => ({
    address: row.address,
    reason: row.reason,
    since: row.since,
    clientId: row.client_id,
  });
  return {
    /** Newest first. */
    clientMailHistory: (clientId: string, limit = 20): MailHistoryEntry[] =>
      (forClient.all(businessId, clientId, limit) as MailHistoryRow[]).map(toEntry),
    /** The client's newest email, for a card: "retrying, next try at …", "gave up", "suppressed"… */
    latestEmail: (clientId: string): MailHistoryEntry | null =>
      (forClient.all(businessId, clientId, 1) as MailHistoryRow[]).map(toEntry)[0] ?? null,
    findClientIdsByMessageId: (providerMessageId: string): string[] =>
      (byMessage.all(businessId, providerMessageId) as { client_id: string }[]).map((row) => row.client_id),
    /** Every email the relay is still trying to send, soonest retry first: the relay's schedule. */
    listRetryingEmails: (): MailHistoryEntry[] => (retrying.all(businessId) as MailHistoryRow[]).map(toEntry),
    /** Emails staff may need to act on (retrying, gave up, suppressed, failed, bounced), newest first. */
    listTroubledEmails: (limit = 50): MailHistoryEntry[] =>
      (troubled.all(businessId, limit) as MailHistoryRow[]).map(toEntry),
    findSuppression: (address: string): MailSuppression | null => {
      const row = suppression.get(businessId, address) as Parameters<typeof toSuppression>[0] | undefined;
      return row ? toSuppression(row) : null;
    },
    listSuppressions: (): MailSuppression[] =>
      (suppressions.all(businessId) as Parameters<typeof toSuppression>[0][]).map(toSuppression),
    lastCredentialsEmailRequestedAt: (clientId: string): string | null =>
      (lastCredentials.get(businessId, clientId) as { last_requested_at: string } | undefined)?.last_requested_at ??
      null,
  };
}

export type MailQueries = ReturnType<typeof createMailQueries>;
