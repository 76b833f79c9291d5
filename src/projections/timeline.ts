import type Database from 'better-sqlite3';
import type { Actor } from '../eventstore/port.ts';
import type { Projection } from './projection.ts';
import { timelineEvents } from './timeline-events.ts';

/** One line of a client's audit timeline: only the fields its event type allows (timeline-events.ts). */
export interface TimelineEntry {
  readonly position: string;
  readonly at: string;
  readonly type: string;
  readonly actor: Actor;
  readonly details: Record<string, unknown>;
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
      const spec = timelineEvents[event.type];
      if (!spec || !('clientId' in event.data)) return;
      const clientId = event.data.clientId;
      const allowed: readonly string[] = spec.fields;
      const details = Object.fromEntries(Object.entries(event.data).filter(([key]) => allowed.includes(key)));
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
