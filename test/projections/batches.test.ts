import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../src/domain/batch.ts';
import { useReadModels } from './support.ts';

const { readModels, apply } = useReadModels();

const started = (batchId: string, kind: 'provision' | 'email_alert' = 'provision'): BatchEvent => ({
  type: 'BatchStarted',
  data: { batchId, kind, clientIds: ['C1', 'C2', 'C3'], options: {} },
});
const tally = { done: 2, succeeded: 1, skipped: 1, failed: 0 };

describe('the batches read model', () => {
  it('a started batch is running with its total and when it started', () => {
    apply([started('B1')], '2026-03-03T09:00:00.000Z');
    expect(readModels().batches.getBatch('B1')).toEqual({
      batchId: 'B1',
      kind: 'provision',
      status: 'running',
      total: 3,
      done: 0,
      succeeded: 0,
      skipped: 0,
      failed: 0,
      startedAt: '2026-03-03T09:00:00.000Z',
      startedBy: 'test',
    });
    expect(readModels().batches.getBatch('B2')).toBeNull();
  });

  it('progress moves the tally; completion ends it', () => {
    apply([started('B1'), { type: 'BatchProgressed', data: { batchId: 'B1', ...tally } }]);
    expect(readModels().batches.getBatch('B1')).toMatchObject({ status: 'running', ...tally });
    apply([{ type: 'BatchCompleted', data: { batchId: 'B1', done: 3, succeeded: 2, skipped: 1, failed: 0 } }]);
    expect(readModels().batches.getBatch('B1')).toMatchObject({ status: 'completed', done: 3, succeeded: 2 });
  });

  it('lists the unfinished batches of one kind, oldest first, for a resume', () => {
    apply([started('B2')], '2026-03-03T10:00:00.000Z');
    apply([started('B1'), started('A1', 'email_alert')], '2026-03-03T09:00:00.000Z');
    apply([{ type: 'BatchCompleted', data: { batchId: 'B3', ...tally } }]);
    apply([started('B3'), { type: 'BatchCompleted', data: { batchId: 'B3', ...tally } }]);
    expect(
      readModels()
        .batches.unfinishedBatches('provision')
        .map((b) => b.batchId),
    ).toEqual(['B1', 'B2']);
    expect(
      readModels()
        .batches.unfinishedBatches('email_alert')
        .map((b) => b.batchId),
    ).toEqual(['A1']);
  });
});
