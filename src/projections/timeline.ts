import type Database from 'better-sqlite3';
import type { Actor } from '../eventstore/port.ts';
import { businessOf } from '../domain/events.ts';
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
      business_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      at        TEXT NOT NULL,
      type      TEXT NOT NULL,
      actor     TEXT NOT NULL,
      details   TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS timeline_client ON timeline (business_id, client_id, seq);`,
  tables: [{ name: 'timeline', orderBy: 'seq' }],
  bind(db) {
    const insert = db.prepare(
      'INSERT INTO timeline (position, business_id, client_id, at, type, actor, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    return (event) => {
      const allowed = allowedFields[event.type];
      if (!allowed || !('clientId' in event.data)) return;
      const clientId = event.data.clientId;
      insert.run(
        event.position,
        businessOf(event),
        clientId,
        event.metadata.at,
        event.type,
        JSON.stringify(event.metadata.actor),
        JSON.stringify(pickAllowed(event.data, allowed)),
      );
    };
  },
};

/** Each type's allow-list as a set, built once: the timeline sees every event of a catch-up. */
const allowedFields = Object.fromEntries(
  Object.entries(timelineEvents).map(([type, spec]) => [type, spec ? new Set<string>(spec.fields) : null]),
) as Record<keyof typeof timelineEvents, ReadonlySet<string> | null>;

/** The allowed fields of an event's data, in the data's own order. */
function pickAllowed(data: object, allowed: ReadonlySet<string>): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (allowed.has(key)) details[key] = value;
  return details;
}

export function createTimelineQueries(db: Database.Database, businessId: string) {
  const forClient = db.prepare(
    'SELECT position, at, type, actor, details FROM timeline WHERE business_id = ? AND client_id = ? ORDER BY seq',
  );
  const recent = db.prepare(
    'SELECT position, client_id, at, type, actor, details FROM timeline WHERE business_id = ? ORDER BY seq DESC LIMIT ?',
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
      (forClient.all(businessId, clientId) as Parameters<typeof toEntry>[0][]).map(toEntry),
    recentActivity: (limit = 10): (TimelineEntry & { clientId: string })[] =>
      (recent.all(businessId, limit) as (Parameters<typeof toEntry>[0] & { client_id: string })[]).map((row) => ({
        ...toEntry(row),
        clientId: row.client_id,
      })),
  };
}
