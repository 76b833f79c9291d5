import { describe, expect, it } from 'vitest';
import {
  decideBatch,
  evolveBatch,
  initialBatchState,
  type BatchCommand,
  type BatchEvent,
  type BatchState,
} from '../../src/domain/batch.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const { given } = deciderSpec<BatchCommand, BatchEvent, BatchState>({
  initialState: initialBatchState,
  evolve: evolveBatch,
  decide: decideBatch,
});

const batchId = 'B1';
const clientIds = ['C1', 'C2', 'C3'];
const start: BatchCommand = { type: 'StartBatch', batchId, kind: 'provision', clientIds, options: { sendEmail: true } };
const started: BatchEvent = {
  type: 'BatchStarted',
  data: { batchId, kind: 'provision', clientIds, options: { sendEmail: true } },
};
const tally = (done: number) => ({ done, succeeded: done, skipped: 0, failed: 0 });
const progressed = (done: number): BatchEvent => ({ type: 'BatchProgressed', data: { batchId, ...tally(done) } });
const completed: BatchEvent = { type: 'BatchCompleted', data: { batchId, ...tally(3) } };

describe('a batch not started', () => {
  it('starts with its clients fixed', () => given().when(start).then([started]));
  it('cannot record progress', () =>
    given()
      .when({ type: 'RecordBatchProgress', batchId, tally: tally(1) })
      .thenError('unknown_batch', /There is no batch B1/));
  it('cannot be completed', () =>
    given()
      .when({ type: 'CompleteBatch', batchId, tally: tally(0) })
      .thenError('unknown_batch'));
});

describe('a running batch', () => {
  it('starting it again (a resumed run) appends nothing', () => given(started).when(start).then([]));
  it('records progress with its tally', () =>
    given(started)
      .when({ type: 'RecordBatchProgress', batchId, tally: tally(2) })
      .then([progressed(2)]));
  it('completes with its final tally', () =>
    given(started, progressed(2))
      .when({ type: 'CompleteBatch', batchId, tally: tally(3) })
      .then([completed]));
  it('keeps its clients and the latest tally', () =>
    expect(given(started, progressed(1), progressed(2)).state).toEqual({
      status: 'running',
      kind: 'provision',
      clientIds,
      options: { sendEmail: true },
      tally: tally(2),
    }));
});

describe('a completed batch', () => {
  it('records no more progress', () =>
    given(started, completed)
      .when({ type: 'RecordBatchProgress', batchId, tally: tally(3) })
      .then([]));
  it('is not completed twice', () =>
    given(started, completed)
      .when({ type: 'CompleteBatch', batchId, tally: tally(3) })
      .then([]));
  it('is not started again', () => given(started, completed).when(start).then([]));
  it('is completed in its state', () =>
    expect(given(started, completed).state).toMatchObject({ status: 'completed', tally: tally(3) }));
});
