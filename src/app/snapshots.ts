import type Database from 'better-sqlite3';
import type { LatchkeyEvent } from '../domain/events.ts';
import type { EventStore } from '../eventstore/port.ts';
import { decodeStream, foldEvents, foldStream, type Decider, type LoadedStream } from './handle-command.ts';

/**
 * Folded stream states kept beside the read models, so a command on a long stream reads only the
 * events after the snapshot. A cache, never the truth: each snapshot names the revision and the
 * id of the last event it folded, and is used only when the stream still holds that event at that
 * revision and the fold's version is the one that made it; otherwise the whole stream is folded
 * again and the snapshot replaced. Deleting the table (or the file) changes nothing but speed.
 * It holds what the stream holds (keyed hashes, never a plaintext secret) and no view reads it.
 */
export interface SnapshotCache {
  read(stream: string): StoredSnapshot | null;
  write(stream: string, snapshot: StoredSnapshot): void;
}

export interface StoredSnapshot {
  readonly foldVersion: number;
  readonly revision: number;
  readonly eventId: string;
  readonly state: unknown;
}

export interface SnapshotPolicy {
  readonly foldVersion: number;
  /** A new snapshot is written once a load has folded at least this many events past the old one. */
  readonly everyEvents: number;
}

const schema = `CREATE TABLE IF NOT EXISTS stream_snapshots (
  stream       TEXT PRIMARY KEY,
  fold_version INTEGER NOT NULL,
  revision     INTEGER NOT NULL,
  event_id     TEXT NOT NULL,
  state        TEXT NOT NULL
)`;

const caches = new WeakMap<Database.Database, SnapshotCache>();

/** The snapshot table of a read-model database, created on first use. */
export function snapshotCacheOf(db: Database.Database): SnapshotCache {
  const known = caches.get(db);
  if (known) return known;
  db.exec(schema);
  const select = db.prepare('SELECT fold_version, revision, event_id, state FROM stream_snapshots WHERE stream = ?');
  const upsert = db.prepare(`INSERT INTO stream_snapshots (stream, fold_version, revision, event_id, state)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream) DO UPDATE SET fold_version = excluded.fold_version,
    revision = excluded.revision, event_id = excluded.event_id, state = excluded.state`);
  const cache: SnapshotCache = {
    read(stream) {
      const row = select.get(stream) as
        { fold_version: number; revision: number; event_id: string; state: string } | undefined;
      if (!row) return null;
      return {
        foldVersion: row.fold_version,
        revision: row.revision,
        eventId: row.event_id,
        state: JSON.parse(row.state) as unknown,
      };
    },
    write(stream, snapshot) {
      upsert.run(stream, snapshot.foldVersion, snapshot.revision, snapshot.eventId, JSON.stringify(snapshot.state));
    },
  };
  caches.set(db, cache);
  return cache;
}

/**
 * Loads a stream from its snapshot and the events after it. `hasCommand` knows only those
 * events: use it only for commands whose id was minted for this attempt (see runCredentialCommand).
 */
export async function loadFromSnapshot<E extends LatchkeyEvent, S>(
  store: EventStore,
  decider: Decider<unknown, E, S>,
  stream: string,
  cache: SnapshotCache,
  policy: SnapshotPolicy,
): Promise<LoadedStream<S>> {
  const snapshot = cache.read(stream);
  const usable = snapshot?.foldVersion === policy.foldVersion ? snapshot : null;
  const recorded = await store.readStream(stream, { fromRevision: usable?.revision ?? 0 });
  // The snapshot's own last event comes back first: the proof that it was made from this stream.
  const verified = usable !== null && recorded[0]?.revision === usable.revision && recorded[0].id === usable.eventId;
  const after = verified ? recorded.slice(1) : usable ? await store.readStream(stream) : recorded;
  const state = verified
    ? foldEvents(decider, usable.state as S, decodeStream(decider, after))
    : foldStream(decider, after);
  const last = after.length > 0 ? after[after.length - 1]! : null;
  if (last && (!verified || after.length >= policy.everyEvents)) {
    cache.write(stream, { foldVersion: policy.foldVersion, revision: last.revision, eventId: last.id, state });
  }
  return {
    state,
    revision: last?.revision ?? (verified ? usable.revision : null),
    hasCommand: (commandId) => after.some((event) => event.metadata.commandId === commandId),
  };
}
