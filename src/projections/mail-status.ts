import type Database from 'better-sqlite3';
import { isEventOfStream } from '../domain/events.ts';
import type { MailTemplate } from '../domain/mail.ts';
import type { EmailState } from './credentials.ts';
import type { Projection } from './projection.ts';

/** Where one email stands: what the relay recorded, then what Mailgun's webhooks reported. */
export type MailHistoryState = Exclude<EmailState, 'requested'> | 'deferred' | 'unsubscribed';

/** One email in a client's mail history. Never its body: that held a secret. */
export interface MailHistoryEntry {
  readonly requestEventId: string;
  readonly template: MailTemplate;
  readonly to: string | null;
  readonly providerMessageId: string | null;
  readonly state: MailHistoryState;
  readonly reason: string | null;
  readonly recordedAt: string;
  readonly updatedAt: string;
}

interface MailHistoryRow {
  request_event_id: string;
  template: MailTemplate;
  recipient: string | null;
  provider_message_id: string | null;
  state: MailHistoryState;
  reason: string | null;
  recorded_at: string;
  updated_at: string;
}

/**
 * Keeps each client's mail history and the credential card's "last email" columns
 * (credentials.last_email_at / last_email_state) in step with the mail streams. A delivery report
 * moves the card only when it is about the client's latest email, so a late report on an older
 * message cannot hide the state of the newest one.
 */
export const mailStatusProjection: Projection = {
  name: 'mail-status',
  schema: `
    CREATE TABLE IF NOT EXISTS mail_history (
      request_event_id    TEXT PRIMARY KEY,
      seq                 INTEGER NOT NULL,
      client_id           TEXT NOT NULL,
      template            TEXT NOT NULL,
      recipient           TEXT,
      provider_message_id TEXT,
      state               TEXT NOT NULL,
      reason              TEXT,
      recorded_at         TEXT NOT NULL,
      updated_at          TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS mail_history_client ON mail_history (client_id, seq);
    CREATE INDEX IF NOT EXISTS mail_history_message ON mail_history (provider_message_id);`,
  tables: [{ name: 'mail_history', orderBy: 'seq' }],
  bind(db) {
    const nextSeq = db.prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM mail_history');
    const insert =
      db.prepare(`INSERT INTO mail_history (request_event_id, seq, client_id, template, recipient, provider_message_id, state, reason, recorded_at, updated_at)
      VALUES (@requestEventId, @seq, @clientId, @template, @to, @providerMessageId, @state, @reason, @at, @at)`);
    const cardAfterOutcome = db.prepare(
      'UPDATE credentials SET last_email_at = @at, last_email_state = @state WHERE client_id = @clientId',
    );
    const historyAfterReport = db.prepare(
      'UPDATE mail_history SET state = @state, reason = @reason, updated_at = @at WHERE provider_message_id = @providerMessageId',
    );
    const cardAfterReport = db.prepare(`UPDATE credentials SET last_email_state = @state WHERE client_id IN (
      SELECT h.client_id FROM mail_history h WHERE h.provider_message_id = @providerMessageId
        AND h.seq = (SELECT max(seq) FROM mail_history WHERE client_id = h.client_id))`);
    const report = (
      at: string,
      providerMessageId: string,
      state: MailHistoryState,
      reason: string | null,
      movesCard: boolean,
    ) => {
      historyAfterReport.run({ at, providerMessageId, state, reason });
      if (movesCard) cardAfterReport.run({ providerMessageId, state });
    };
    return (event) => {
      if (!isEventOfStream(event, 'mail')) return;
      const at = event.metadata.at;
      switch (event.type) {
        case 'EmailSent':
        case 'EmailSendFailed': {
          const sent = event.type === 'EmailSent';
          const { seq } = nextSeq.get() as { seq: number };
          insert.run({
            requestEventId: event.data.requestEventId,
            seq,
            clientId: event.data.clientId,
            template: event.data.template,
            to: sent ? event.data.to : null,
            providerMessageId: sent ? event.data.providerMessageId : null,
            state: sent ? 'sent' : 'failed',
            reason: sent ? null : event.data.reason,
            at,
          });
          return void cardAfterOutcome.run({ clientId: event.data.clientId, at, state: sent ? 'sent' : 'failed' });
        }
        case 'EmailDelivered':
          return report(at, event.data.providerMessageId, 'delivered', null, true);
        case 'EmailDeliveryFailed':
          // A temporary failure is retried by Mailgun: the email is late, not lost.
          return event.data.severity === 'temporary'
            ? report(at, event.data.providerMessageId, 'deferred', event.data.reason, false)
            : report(at, event.data.providerMessageId, 'failed', event.data.reason, true);
        case 'EmailBounced':
          return report(at, event.data.providerMessageId, 'bounced', event.data.reason, true);
        case 'EmailComplained':
          return report(at, event.data.providerMessageId, 'complained', null, true);
        case 'EmailUnsubscribed':
          return report(at, event.data.providerMessageId, 'unsubscribed', null, false);
        default: {
          const _exhaustive: never = event;
          return _exhaustive;
        }
      }
    };
  },
};

function toEntry(row: MailHistoryRow): MailHistoryEntry {
  return {
    requestEventId: row.request_event_id,
    template: row.template,
    to: row.recipient,
    providerMessageId: row.provider_message_id,
    state: row.state,
    reason: row.reason,
    recordedAt: row.recorded_at,
    updatedAt: row.updated_at,
  };
}

export function createMailQueries(db: Database.Database) {
  const forClient = db.prepare('SELECT * FROM mail_history WHERE client_id = ? ORDER BY seq DESC LIMIT ?');
  const byMessage = db.prepare(
    'SELECT DISTINCT client_id FROM mail_history WHERE provider_message_id = ? ORDER BY client_id',
  );
  return {
    /** Newest first. */
    clientMailHistory: (clientId: string, limit = 20): MailHistoryEntry[] =>
      (forClient.all(clientId, limit) as MailHistoryRow[]).map(toEntry),
    findClientIdsByMessageId: (providerMessageId: string): string[] =>
      (byMessage.all(providerMessageId) as { client_id: string }[]).map((row) => row.client_id),
  };
}

export type MailQueries = ReturnType<typeof createMailQueries>;
