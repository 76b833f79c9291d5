import {
  batchStream,
  decideBatch,
  evolveBatch,
  initialBatchState,
  type BatchCommand,
  type BatchEvent,
  type BatchKind,
  type BatchState,
  type BatchTally,
} from '../domain/batch.ts';
import { isEventOfStream } from '../domain/events.ts';
import { forEachConcurrently } from './concurrently.ts';
import { commandContext, waitUntilReadable, type AppDeps, type Requester } from './deps.ts';
import { handleCommand, type Decider } from './handle-command.ts';

export const batchDecider: Decider<BatchCommand, BatchEvent, BatchState> = {
  initialState: initialBatchState,
  accepts: (event) => isEventOfStream(event, 'batch'),
  evolve: (state, event) => evolveBatch(state, event),
  decide: decideBatch,
};

export type ItemOutcome = 'succeeded' | 'skipped' | 'failed';

export interface BatchRun {
  readonly batchId: string;
  readonly kind: BatchKind;
  readonly clientIds: readonly string[];
  readonly options: Record<string, unknown>;
}

// Often enough that a resumed run's "stopped at N" is right within a few items; cheap beside the items.
const progressEvery = 10;

/**
 * Runs (or resumes) a batch: the client list recorded at its start is worked through in order,
 * a few items at a time, each idempotent by its own command id, with progress recorded as it goes
 * so Slack and the CLI can show it. A failure leaves the batch unfinished for the next run.
 */
export async function runBatch(
  deps: AppDeps,
  run: BatchRun,
  step: (clientId: string) => Promise<ItemOutcome>,
  requester: Requester,
  onProgress?: (tally: BatchTally, total: number) => void | Promise<void>,
  concurrency = 1,
): Promise<BatchTally> {
  const batch = (command: BatchCommand, suffix: string) =>
    handleCommand(
      deps.store,
      batchDecider,
      batchStream(deps.businessId, run.batchId),
      command,
      commandContext(deps, { actor: requester.actor, commandId: `${run.batchId}:${suffix}` }),
    );
  const started = await batch({ type: 'StartBatch', ...run }, 'start');
  if (!started.ok || started.value.state.status === 'none') throw new Error(`batch ${run.batchId} could not start`);
  const { clientIds } = started.value.state;
  let tally: BatchTally = { done: 0, succeeded: 0, skipped: 0, failed: 0 };
  await forEachConcurrently(clientIds, concurrency, async (clientId) => {
    const outcome = await step(clientId);
    tally = { ...tally, done: tally.done + 1, [outcome]: tally[outcome] + 1 };
    if (tally.done % progressEvery === 0 && tally.done < clientIds.length) {
      await batch({ type: 'RecordBatchProgress', batchId: run.batchId, tally }, `progress:${tally.done}`);
    }
    await onProgress?.(tally, clientIds.length);
  });
  const completed = await batch({ type: 'CompleteBatch', batchId: run.batchId, tally }, 'complete');
  if (completed.ok) await waitUntilReadable(deps, completed.value.position);
  return tally;
}
