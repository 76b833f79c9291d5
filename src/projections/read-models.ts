import { createHash } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import { defaultBusinessId } from '../domain/business.ts';
import { decodeEvent } from '../domain/events.ts';
import type { EventStore, RecordedEvent } from '../eventstore/port.ts';
import { subscribe, type Subscription } from '../eventstore/subscription.ts';
import { batchesProjection, createBatchQueries } from './batches.ts';
import { businessesProjection, createBusinessQueries } from './businesses.ts';
import { clientsProjection, createClientQueries } from './clients.ts';
import { clientSessionsProjection, createClientSessionQueries } from './client-sessions.ts';
import { createCredentialQueries, credentialsProjection } from './credentials.ts';
import { createEndedSessionQueries, endedSessionsProjection } from './ended-sessions.ts';
import { createMailQueries, mailStatusProjection } from './mail-status.ts';
import { createOidcAppQueries, oidcAppsProjection } from './oidc-apps.ts';
import type { Projection } from './projection.ts';
import { createTimelineQueries, timelineProjection } from './timeline.ts';

export const coreProjections: readonly Projection[] = [
  clientsProjection,
  credentialsProjection,
  mailStatusProjection,
  timelineProjection,
  batchesProjection,
  endedSessionsProjection,
  businessesProjection,
  clientSessionsProjection,
  oidcAppsProjection,
];

/**
 * The read models as one business sees them: every per-client query is of that business alone
 * (the businesses table is the deployment's, the same in every business's view).
 */
export interface ReadModels {
  readonly db: Database.Database;
  readonly projections: readonly Projection[];
  /** The business whose rows these queries read. */
  readonly businessId: string;
  /** The same read models as another business sees them (cached). */
  forBusiness(businessId: string): ReadModels;
  readonly clients: ReturnType<typeof createClientQueries>;
  readonly credentials: ReturnType<typeof createCredentialQueries>;
  readonly timeline: ReturnType<typeof createTimelineQueries>;
  readonly batches: ReturnType<typeof createBatchQueries>;
  readonly mail: ReturnType<typeof createMailQueries>;
  readonly endedSessions: ReturnType<typeof createEndedSessionQueries>;
  readonly businesses: ReturnType<typeof createBusinessQueries>;
  readonly sessions: ReturnType<typeof createClientSessionQueries>;
  readonly oidcApps: ReturnType<typeof createOidcAppQueries>;
  checkpoint(): string | null;
  /** The last event applied, as the log should still hold it (null: nothing applied yet). */
  checkpointEvent(): CheckpointEvent | null;
  /** Empties every read model and the checkpoint, so the next catch-up rebuilds them from the start. */
  clear(): void;
  /**
   * Applies a batch and moves the checkpoint in one transaction: a crash keeps both or neither.
   * Events at or before the stored checkpoint are skipped, so several processes sharing one
   * read-model file (a server and a CLI command) never apply an event twice.
   */
  apply(events: readonly RecordedEvent[], comparePositions: (a: string, b: string) => number): void;
  close(): void;
}

// The checkpoint names its event (stream, revision, chain hash) as well as its position, so a log
// that no longer holds that event (a restored backup, another store) is noticed at open.
export interface CheckpointEvent {
  readonly position: string;
  readonly stream: string;
  readonly revision: number;
  readonly hash: string;
}

const checkpointSchema = `CREATE TABLE IF NOT EXISTS checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  position TEXT NOT NULL,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  hash TEXT NOT NULL
);`;

/**
 * A read-model file made by code with other projections (an upgrade added a table or a column)
 * is emptied and rebuilt from the log, rather than served half-filled.
 */
function prepareSchema(db: Database.Database, projections: readonly Projection[]): void {
  const version = createHash('sha256')
    .update([checkpointSchema, ...projections.map((p) => `${p.name}\n${p.schema}`)].join('\n'))
    .digest('hex');
  db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS read_model_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version TEXT NOT NULL)',
    );
    const stored = (
      db.prepare('SELECT version FROM read_model_schema WHERE id = 1').get() as { version: string } | undefined
    )?.version;
    if (stored === version) return;
    for (const name of readModelTables(db)) db.exec(`DROP TABLE ${quoteIdentifier(name)}`);
    db.exec(checkpointSchema);
    for (const projection of projections) db.exec(projection.schema);
    db.prepare(
      'INSERT INTO read_model_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
    ).run(version);
  }).immediate();
}

/** Every table of the read models and their checkpoint: all but SQLite's own and the schema version. */
function readModelTables(db: Database.Database): string[] {
  return db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'read_model_schema'`,
    )
    .pluck()
    .all() as string[];
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Read models live in a local SQLite database (a file, or memory) fed from the log. They are a
 * cache: deleting the file is harmless, it is rebuilt on the next start.
 */
export function openReadModels(
  file: string,
  projections: readonly Projection[] = coreProjections,
  options: { onMovedAside?: (moved: MovedAside) => void } = {},
): ReadModels {
  const db = openCache(file, projections, options.onMovedAside);
  const appliers = projections.map((projection) => projection.bind(db));
  const readCheckpoint = db.prepare('SELECT position, stream, revision, hash FROM checkpoint WHERE id = 1');
  const writeCheckpoint = db.prepare(
    `INSERT INTO checkpoint (id, position, stream, revision, hash) VALUES (1, @position, @stream, @revision, @hash)
     ON CONFLICT (id) DO UPDATE SET position = excluded.position, stream = excluded.stream, revision = excluded.revision, hash = excluded.hash`,
  );
  const clearAll = db.transaction(() => {
    for (const name of readModelTables(db)) db.exec(`DELETE FROM ${quoteIdentifier(name)}`);
  });
  const applyBatch = db.transaction((events: readonly RecordedEvent[], compare: (a: string, b: string) => number) => {
    const stored = (readCheckpoint.get() as { position: string } | undefined)?.position ?? null;
    const fresh = stored === null ? events : events.filter((event) => compare(event.position, stored) > 0);
    if (fresh.length === 0) return;
    for (const stored of fresh) {
      // An event this version does not know (written by a newer Latchkey) is left to the code that knows it.
      const event = decodeEvent(stored);
      if (event) for (const apply of appliers) apply(event);
    }
    const last = fresh[fresh.length - 1]!;
    writeCheckpoint.run({ position: last.position, stream: last.stream, revision: last.revision, hash: last.hash });
  });
  const businesses = createBusinessQueries(db);
  const oidcApps = createOidcAppQueries(db);
  const views = new Map<string, ReadModels>();
  const viewOf = (businessId: string): ReadModels => {
    let view = views.get(businessId);
    if (!view) {
      view = {
        db,
        projections,
        businessId,
        forBusiness: viewOf,
        clients: createClientQueries(db, businessId),
        credentials: createCredentialQueries(db, businessId),
        timeline: createTimelineQueries(db, businessId),
        batches: createBatchQueries(db, businessId),
        mail: createMailQueries(db, businessId),
        endedSessions: createEndedSessionQueries(db, businessId),
        businesses,
        sessions: createClientSessionQueries(db, businessId),
        oidcApps,
        checkpoint: () => (readCheckpoint.get() as CheckpointEvent | undefined)?.position ?? null,
        checkpointEvent: () => (readCheckpoint.get() as CheckpointEvent | undefined) ?? null,
        clear: () => clearAll.immediate(),
        apply(events, comparePositions) {
          if (events.length > 0) applyBatch.immediate(events, comparePositions);
        },
        close: () => db.close(),
      };
      views.set(businessId, view);
    }
    return view;
  };
  return viewOf(defaultBusinessId);
}

/** A damaged read-model file, renamed out of the way so a fresh one is rebuilt from the log. */
export interface MovedAside {
  readonly file: string;
  readonly movedTo: string;
  readonly problem: string;
}

/**
 * The read models are a cache of the log, so a file that cannot be opened or fails SQLite's quick
 * check is never served: it is moved aside (kept for a post-mortem, never deleted) and rebuilt.
 */
function openCache(
  file: string,
  projections: readonly Projection[],
  onMovedAside: ((moved: MovedAside) => void) | undefined,
): Database.Database {
  try {
    return openCacheFile(file, projections, true);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const damaged =
      error instanceof DamagedCacheError ||
      code === 'SQLITE_NOTADB' ||
      (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
    if (!damaged || file === ':memory:') throw error;
    const movedTo = `${file}.damaged-${new Date().toISOString().replaceAll(':', '-')}`;
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
    onMovedAside?.({ file, movedTo, problem: (error as Error).message });
    return openCacheFile(file, projections, false);
  }
}

class DamagedCacheError extends Error {}

function openCacheFile(file: string, projections: readonly Projection[], check: boolean): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    // A catch-up touches every table and index on each page: 64 MiB of cache keeps them in memory
    // (the 2 MiB default evicts and re-reads pages within one transaction).
    db.pragma('cache_size = -65536');
    if (check) {
      const verdict = db.pragma('quick_check(5)', { simple: false }) as Record<string, string>[];
      const lines = verdict.map((row) => String(Object.values(row)[0]));
      if (lines.join() !== 'ok') throw new DamagedCacheError(`quick_check: ${lines.join('; ').replaceAll('\n', ' ')}`);
    }
    prepareSchema(db, projections);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Why the read models no longer follow the log, or null when they do: the log must still hold the
 * last event they applied, at the same position and with the same chain hash. A backup restored in
 * place of the store ends earlier or differs; read models kept from the later log would show what
 * the log no longer says, and skip the new events at positions they think they have applied.
 */
export async function findCheckpointMismatch(store: EventStore, readModels: ReadModels): Promise<string | null> {
  const checkpoint = readModels.checkpointEvent();
  if (!checkpoint) return null;
  const [event] = await store.readStream(checkpoint.stream, { fromRevision: checkpoint.revision });
  if (!event) return `the log no longer holds the last event they applied (position ${checkpoint.position})`;
  if (event.position !== checkpoint.position || event.hash !== checkpoint.hash)
    return `the log holds another event where they last applied position ${checkpoint.position}`;
  return null;
}

export function runProjections(
  store: EventStore,
  readModels: ReadModels,
  options: { pollIntervalMs?: number; onError?: (error: unknown) => void } = {},
): Subscription {
  return subscribe(store, {
    after: readModels.checkpoint(),
    batchSize: 5_000,
    handle: (events) => readModels.apply(events, store.comparePositions),
    ...options,
  });
}
