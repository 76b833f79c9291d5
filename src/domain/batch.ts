import { scopedStream } from './business.ts';
import { ok, reject, type Rejection, type Result } from './result.ts';

/**
 * Bulk work (provision everyone, Email Alerts) as a tracked batch, stream `batch-<id>`. The
 * clients are fixed when it starts, so a resumed batch does the same work, and every item's
 * command id is derived from the batch, so redoing an item appends nothing new.
 */
export type BatchKind = 'provision' | 'email_alert';

export interface BatchTally {
  readonly done: number;
  readonly succeeded: number;
  readonly skipped: number;
  readonly failed: number;
}

export type BatchEvent =
  | {
      readonly type: 'BatchStarted';
      readonly data: {
        readonly batchId: string;
        readonly kind: BatchKind;
        readonly clientIds: readonly string[];
        readonly options: Record<string, unknown>;
      };
    }
  | { readonly type: 'BatchProgressed'; readonly data: { readonly batchId: string } & BatchTally }
  | { readonly type: 'BatchCompleted'; readonly data: { readonly batchId: string } & BatchTally };

export type BatchState =
  | { readonly status: 'none' }
  | {
      readonly status: 'running' | 'completed';
      readonly kind: BatchKind;
      readonly clientIds: readonly string[];
      readonly options: Record<string, unknown>;
      readonly tally: BatchTally;
    };

export type BatchCommand =
  | {
      readonly type: 'StartBatch';
      readonly batchId: string;
      readonly kind: BatchKind;
      readonly clientIds: readonly string[];
      readonly options: Record<string, unknown>;
    }
  | { readonly type: 'RecordBatchProgress'; readonly batchId: string; readonly tally: BatchTally }
  | { readonly type: 'CompleteBatch'; readonly batchId: string; readonly tally: BatchTally };

export const batchStream = (businessId: string, batchId: string): string =>
  scopedStream(businessId, `batch-${batchId}`);
export const initialBatchState: BatchState = { status: 'none' };
const emptyTally: BatchTally = { done: 0, succeeded: 0, skipped: 0, failed: 0 };

export function evolveBatch(state: BatchState, event: BatchEvent): BatchState {
  switch (event.type) {
    case 'BatchStarted':
      return {
        status: 'running',
        kind: event.data.kind,
        clientIds: event.data.clientIds,
        options: event.data.options,
        tally: emptyTally,
      };
    case 'BatchProgressed':
    case 'BatchCompleted': {
      if (state.status === 'none') return state;
      const { batchId: _, ...tally } = event.data;
      return { ...state, status: event.type === 'BatchCompleted' ? 'completed' : state.status, tally };
    }
  }
}

export function decideBatch(command: BatchCommand, state: BatchState): Result<BatchEvent[], Rejection> {
  switch (command.type) {
    case 'StartBatch':
      if (state.status !== 'none') return ok([]);
      return ok([
        {
          type: 'BatchStarted',
          data: {
            batchId: command.batchId,
            kind: command.kind,
            clientIds: command.clientIds,
            options: command.options,
          },
        },
      ]);
    case 'RecordBatchProgress':
    case 'CompleteBatch':
      if (state.status === 'none') return reject('unknown_batch', `There is no batch ${command.batchId}.`);
      if (state.status === 'completed') return ok([]);
      return ok([
        {
          type: command.type === 'CompleteBatch' ? 'BatchCompleted' : 'BatchProgressed',
          data: { batchId: command.batchId, ...command.tally },
        },
      ]);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
