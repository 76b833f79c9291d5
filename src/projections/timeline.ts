import type Database from 'better-sqlite3';
import type { Actor, RecordedEvent } from '../eventstore/port.ts';
import type { Projection } from './projection.ts';

/** One line of a client's audit timeline. Event data here never holds a secret, only hashes, which are left out. */
export interface TimelineEntry {
  readonly position: string;
  readonly at: string;
  readonly type: string;
  readonly actor: Actor;
  readonly details: Record<string, unknown>;
}

const hiddenFields = new Set(['secretHash', 'passwordHash', 'clientId']);

export function clientIdOfEvent(event: RecordedEvent): string | null {
  const clientId = (event.data as { clientId?: unknown } | null)?.clientId;
  return typeof clientId === 'string' ? clientId : null;
}

export const timelineProjection: Projection = {
  name: 'timeline',
  schema: `
    CREATE TABLE IF NOT EXISTS timeline (
      seq       INTEGER PRIMARY KEY,
      position  TEXT NOT NULL UNIQUE,
      client_id TEXT NOT NULL,
      at        TEXT NOT NULL,
      type      TEXT NOT NULL,
      actor     TEXT NOT NULL,
      details   TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS timeline_client ON timeline (client_id, seq);`,
  tables: [{ name: 'timeline', orderBy: 'seq' }],
  bind(db) {
    const insert = db.prepare(
      'INSERT INTO timeline (position, client_id, at, type, actor, details) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return (event) => {
      const clientId = clientIdOfEvent(event);
      if (!clientId) return;
      const details = Object.fromEntries(
        Object.entries(event.data as object).filter(([key]) => !hiddenFields.has(key)),
      );
      insert.run(
        event.position,
        clientId,
        event.metadata.at,
        event.type,
        JSON.stringify(event.metadata.actor),
        JSON.stringify(details),
      );
    };
  },
};

export function createTimelineQueries(db: Database.Database) {
  const forClient = db.prepare(
    'SELECT position, at, type, actor, details FROM timeline WHERE client_id = ? ORDER BY seq',
  );
  const recent = db.prepare(
    'SELECT position, client_id, at, type, actor, details FROM timeline ORDER BY seq DESC LIMIT ?',
  );
  const toEntry = (row: {
    position: string;
    at: string;
    type: string;
    actor: string;
    details: string;
  }): TimelineEntry => ({
    position: row.position,
    at: row.at,
    type: row.type,
    actor: JSON.parse(row.actor),
    details: JSON.parse(row.details),
  });
  return {
    clientTimeline: (clientId: string): TimelineEntry[] =>
      (forClient.all(clientId) as Parameters<typeof toEntry>[0][]).map(toEntry),
    recentActivity: (limit = 10): (TimelineEntry & { clientId: string })[] =>
      (recent.all(limit) as (Parameters<typeof toEntry>[0] & { client_id: string })[]).map((row) => ({
        ...toEntry(row),
        clientId: row.client_id,
      })),
  };
}
