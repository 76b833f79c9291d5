import type Database from 'better-sqlite3';
import { endsSessions } from '../domain/credential/events.ts';
import { businessOf, isEventOfStream } from '../domain/events.ts';
import type { Projection } from './projection.ts';

/** One browser a client is signed in on, as the account page lists it. No id or token: a keyed fingerprint. */
export interface ClientSessionView {
  readonly sessionFingerprint: string;
  readonly browser: string;
  readonly os: string;
  readonly keptSignedIn: boolean;
  readonly startedAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
}

interface ClientSessionRow {
  session_fingerprint: string;
  browser: string;
  os: string;
  kept_signed_in: number;
  started_at: string;
  last_seen_at: string;
  expires_at: string;
}

/**
 * Sessions started and not yet ended: "log out" in one browser removes its row, and every event
 * that ends all of a client's sessions (password change, reset, disable, log out everywhere)
 * removes theirs. Expired rows are pruned by the events' own time, so a replay builds the same table.
 */
export const clientSessionsProjection: Projection = {
  name: 'client-sessions',
  schema: `
    CREATE TABLE IF NOT EXISTS client_sessions (
      business_id         TEXT NOT NULL,
      session_fingerprint TEXT NOT NULL,
      client_id           TEXT NOT NULL,
      browser             TEXT NOT NULL,
      os                  TEXT NOT NULL,
      kept_signed_in      INTEGER NOT NULL,
      started_at          TEXT NOT NULL,
      last_seen_at        TEXT NOT NULL,
      expires_at          TEXT NOT NULL,
      PRIMARY KEY (business_id, session_fingerprint)
    );
    CREATE INDEX IF NOT EXISTS client_sessions_client ON client_sessions (business_id, client_id);
    CREATE INDEX IF NOT EXISTS client_sessions_expiry ON client_sessions (expires_at);`,
  tables: [{ name: 'client_sessions', orderBy: 'business_id, session_fingerprint' }],
  bind(db) {
    const insert = db.prepare(
      `INSERT OR REPLACE INTO client_sessions
        (business_id, session_fingerprint, client_id, browser, os, kept_signed_in, started_at, last_seen_at, expires_at)
        VALUES (@businessId, @fingerprint, @clientId, @browser, @os, @kept, @at, @at, @expiresAt)`,
    );
    const seen = db.prepare(
      `UPDATE client_sessions SET last_seen_at = @at
        WHERE business_id = @businessId AND session_fingerprint = @fingerprint AND client_id = @clientId`,
    );
    const endOne = db.prepare('DELETE FROM client_sessions WHERE business_id = ? AND session_fingerprint = ?');
    const endAll = db.prepare('DELETE FROM client_sessions WHERE business_id = ? AND client_id = ?');
    const prune = db.prepare('DELETE FROM client_sessions WHERE expires_at < ?');
    return (event) => {
      const at = event.metadata.at;
      const businessId = businessOf(event);
      if (event.type === 'SessionStarted') {
        prune.run(at);
        const { clientId, sessionFingerprint: fingerprint, browser, os, keptSignedIn, expiresAt } = event.data;
        insert.run({ businessId, fingerprint, clientId, browser, os, kept: keptSignedIn ? 1 : 0, at, expiresAt });
      } else if (event.type === 'SessionSeen') {
        seen.run({ businessId, fingerprint: event.data.sessionFingerprint, clientId: event.data.clientId, at });
      } else if (event.type === 'SessionEnded') {
        endOne.run(businessId, event.data.sessionFingerprint);
      } else if (isEventOfStream(event, 'credential') && endsSessions[event.type]) {
        endAll.run(businessId, event.data.clientId);
      }
    };
  },
};

function toView(row: ClientSessionRow): ClientSessionView {
  return {
    sessionFingerprint: row.session_fingerprint,
    browser: row.browser,
    os: row.os,
    keptSignedIn: row.kept_signed_in === 1,
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export function createClientSessionQueries(db: Database.Database, businessId: string) {
  const byClient = db.prepare(`SELECT * FROM client_sessions WHERE business_id = ? AND client_id = ? AND expires_at > ?
    ORDER BY last_seen_at DESC, started_at DESC`);
  const one = db.prepare(
    'SELECT * FROM client_sessions WHERE business_id = ? AND session_fingerprint = ? AND client_id = ?',
  );
  return {
    /** Not yet expired at `now`; the idle timeout is the caller's to apply. */
    listSessions: (clientId: string, now: string): ClientSessionView[] =>
      (byClient.all(businessId, clientId, now) as ClientSessionRow[]).map(toView),
    getSession: (clientId: string, sessionFingerprint: string): ClientSessionView | null => {
      const row = one.get(businessId, sessionFingerprint, clientId) as ClientSessionRow | undefined;
      return row ? toView(row) : null;
    },
  };
}
