import type Database from 'better-sqlite3';
import type { BatchKind, BatchTally } from '../domain/batch.ts';
import { isEventOfStream } from '../domain/events.ts';
import type { Projection } from './projection.ts';

export interface BatchView extends BatchTally {
  readonly batchId: string;
  readonly kind: BatchKind;
  readonly status: 'running' | 'completed';
  readonly total: number;
  readonly startedAt: string;
  readonly startedBy: string;
}

export const batchesProjection: Projection = {
  name: 'batches',
  schema: `
    CREATE TABLE IF NOT EXISTS batches (
      batch_id   TEXT PRIMARY KEY,
      kind       TEXT NOT NULL,
      status     TEXT NOT NULL,
      total      INTEGER NOT NULL,
      done       INTEGER NOT NULL DEFAULT 0,
      succeeded  INTEGER NOT NULL DEFAULT 0,
      skipped    INTEGER NOT NULL DEFAULT 0,
      failed     INTEGER NOT NULL DEFAULT 0,
      started_at TEXT NOT NULL,
      started_by TEXT NOT NULL
    );`,
  tables: [{ name: 'batches', orderBy: 'batch_id' }],
  bind(db) {
    const start = db.prepare(`INSERT INTO batches (batch_id, kind, status, total, started_at, started_by)
      VALUES (@batchId, @kind, 'running', @total, @at, @by)`);
    const progress = db.prepare(`UPDATE batches SET status = @status, done = @done, succeeded = @succeeded,
      skipped = @skipped, failed = @failed WHERE batch_id = @batchId`);
    return (event) => {
      if (!isEventOfStream(event, 'batch')) return;
      switch (event.type) {
        case 'BatchStarted': {
          const { batchId, kind, clientIds } = event.data;
          const by = event.metadata.actor.name ?? event.metadata.actor.id;
          return void start.run({ batchId, kind, total: clientIds.length, at: event.metadata.at, by });
        }
        case 'BatchProgressed':
        case 'BatchCompleted':
          return void progress.run({
            ...event.data,
            status: event.type === 'BatchCompleted' ? 'completed' : 'running',
          });
        default: {
          const _exhaustive: never = event;
          return _exhaustive;
        }
      }
    };
  },
};

interface BatchRow {
  batch_id: string;
  kind: BatchKind;
  status: 'running' | 'completed';
  total: number;
  done: number;
  succeeded: number;
  skipped: number;
  failed: number;
  started_at: string;
  started_by: string;
}

const toView = (row: BatchRow): BatchView => ({
  batchId: row.batch_id,
  kind: row.kind,
  status: row.status,
  total: row.total,
  done: row.done,
  succeeded: row.succeeded,
  skipped: row.skipped,
  failed: row.failed,
  startedAt: row.started_at,
  startedBy: row.started_by,
});

export function createBatchQueries(db: Database.Database) {
  const byId = db.prepare('SELECT * FROM batches WHERE batch_id = ?');
  const unfinished = db.prepare(`SELECT * FROM batches WHERE kind = ? AND status = 'running' ORDER BY started_at`);
  return {
    getBatch: (batchId: string): BatchView | null => {
      const row = byId.get(batchId) as BatchRow | undefined;
      return row ? toView(row) : null;
    },
    unfinishedBatches: (kind: BatchKind): BatchView[] => (unfinished.all(kind) as BatchRow[]).map(toView),
  };
}
