import type Database from 'better-sqlite3';
import { businessOf } from '../domain/events.ts';
import type { Projection } from './projection.ts';

/**
 * Sessions ended by "log out" in one browser, by the keyed fingerprint of their id, kept until
 * the token would have expired anyway. Pruning uses the event's own time, so a replay builds the
 * very same table.
 */
export const endedSessionsProjection: Projection = {
  name: 'ended-sessions',
  schema: `
    CREATE TABLE IF NOT EXISTS ended_sessions (
      business_id         TEXT NOT NULL,
      session_fingerprint TEXT NOT NULL,
      client_id           TEXT NOT NULL,
      expires_at          TEXT NOT NULL,
      PRIMARY KEY (business_id, session_fingerprint)
    );
    CREATE INDEX IF NOT EXISTS ended_sessions_expiry ON ended_sessions (expires_at);`,
  tables: [{ name: 'ended_sessions', orderBy: 'business_id, session_fingerprint' }],
  bind(db) {
    const insert = db.prepare(
      'INSERT OR IGNORE INTO ended_sessions (business_id, session_fingerprint, client_id, expires_at) VALUES (?, ?, ?, ?)',
    );
    const prune = db.prepare('DELETE FROM ended_sessions WHERE expires_at < ?');
    return (event) => {
      if (event.type !== 'SessionEnded') return;
      prune.run(event.metadata.at);
      insert.run(businessOf(event), event.data.sessionFingerprint, event.data.clientId, event.data.expiresAt);
    };
  },
};

export function createEndedSessionQueries(db: Database.Database, businessId: string) {
  const find = db.prepare('SELECT 1 FROM ended_sessions WHERE business_id = ? AND session_fingerprint = ?');
  return {
    isSessionEnded: (sessionFingerprint: string): boolean => find.get(businessId, sessionFingerprint) !== undefined,
  };
}
