import type Database from 'better-sqlite3';
import type { BatchKind, BatchTally } from '../domain/batch.ts';
import { businessOf, isEventOfStream } from '../domain/events.ts';
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
      business_id TEXT NOT NULL,
      batch_id   TEXT NOT NULL,
      kind       TEXT NOT NULL,
      status     TEXT NOT NULL,
      total      INTEGER NOT NULL,
      done       INTEGER NOT NULL DEFAULT 0,
      succeeded  INTEGER NOT NULL DEFAULT 0,
      skipped    INTEGER NOT NULL DEFAULT 0,
      failed     INTEGER NOT NULL DEFAULT 0,
      started_at TEXT NOT NULL,
      started_by TEXT NOT NULL,
      PRIMARY KEY (business_id, batch_id)
    );`,
  tables: [{ name: 'batches', orderBy: 'business_id, batch_id' }],
  bind(db) {
    const start = db.prepare(`INSERT INTO batches (business_id, batch_id, kind, status, total, started_at, started_by)
      VALUES (@businessId, @batchId, @kind, 'running', @total, @at, @by)`);
    const progress = db.prepare(`UPDATE batches SET status = @status, done = @done, succeeded = @succeeded,
      skipped = @skipped, failed = @failed WHERE business_id = @businessId AND batch_id = @batchId`);
    return (event) => {
      if (!isEventOfStream(event, 'batch')) return;
      const businessId = businessOf(event);
      switch (event.type) {
        case 'BatchStarted': {
          const { batchId, kind, clientIds } = event.data;
          const by = event.metadata.actor.name ?? event.metadata.actor.id;
          return void start.run({ businessId, batchId, kind, total: clientIds.length, at: event.metadata.at, by });
        }
        case 'BatchProgressed':
        case 'BatchCompleted':
          return void progress.run({
            ...event.data,
            businessId,
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

export function createBatchQueries(db: Database.Database, businessId: string) {
  const byId = db.prepare('SELECT * FROM batches WHERE business_id = ? AND batch_id = ?');
  const unfinished = db.prepare(
    `SELECT * FROM batches WHERE business_id = ? AND kind = ? AND status = 'running' ORDER BY started_at`,
  );
  return {
    getBatch: (batchId: string): BatchView | null => {
      const row = byId.get(businessId, batchId) as BatchRow | undefined;
      return row ? toView(row) : null;
    },
    unfinishedBatches: (kind: BatchKind): BatchView[] => (unfinished.all(businessId, kind) as BatchRow[]).map(toView),
  };
}
