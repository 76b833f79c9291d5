import type { EventStore, RecordedEvent } from './port.ts';

export interface SubscriptionOptions {
  /** Handle events strictly after this position (null: from the start). */
  readonly after: string | null;
  /** Persist the effects and the new checkpoint together; throwing retries the same batch. */
  readonly handle: (events: readonly RecordedEvent[]) => Promise<void> | void;
  readonly batchSize?: number;
  /** Polling still runs so that appends by other processes are seen. */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** The position of the last event handled. */
  readonly checkpoint: () => string | null;
  /** Handles everything stored up to now, then resolves. */
  catchUp(): Promise<void>;
  /** Resolves once the event at `position` (or later) has been handled. */
  waitFor(position: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A catch-up subscription built once on readAll: read after the checkpoint, handle, repeat;
 * when caught up, sleep until an append hint or the poll interval. A failing handler is
 * retried with backoff rather than skipped, so no event is ever lost to a transient fault.
 */
export function subscribe(store: EventStore, options: SubscriptionOptions): Subscription {
  const batchSize = options.batchSize ?? 1_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  let checkpoint = options.after;
  let stopped = false;
  let wake: (() => void) | null = null;
  let failures = 0;
  const waiters = new Set<{ position: string; resolve: () => void }>();

  // Set by an append hint that may arrive mid-drain, so the loop drains again instead of sleeping.
  let hinted = false;
  const stopListening = store.onAppend(() => {
    hinted = true;
    wake?.();
  });

  function readAfter(position: string | null): Promise<RecordedEvent[]> {
    const page = store.readAll({ after: position, limit: batchSize });
    // A page read ahead is dropped if the handler fails first; its own failure is then moot.
    page.catch(() => undefined);
    return page;
  }

  /**
   * Reads the next page while the handler applies this one, so a remote store (PostgreSQL) serves
   * the read while this process works; a failed handler discards what was read ahead.
   */
  async function drainAll(): Promise<void> {
    let next = readAfter(checkpoint);
    while (!stopped) {
      const events = await next;
      if (events.length === 0) return;
      const full = events.length === batchSize;
      if (full) next = readAfter(events[events.length - 1]!.position);
      await options.handle(events);
      checkpoint = events[events.length - 1]!.position;
      for (const waiter of waiters) {
        if (store.comparePositions(waiter.position, checkpoint) <= 0) {
          waiters.delete(waiter);
          waiter.resolve();
        }
      }
      if (!full) return;
    }
  }

  let running: Promise<void> = Promise.resolve();
  function drain(): Promise<void> {
    // A failed drain must not poison the next one: each starts from the last good checkpoint.
    running = running.catch(() => undefined).then(drainAll);
    return running;
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        hinted = false;
        await drain();
        failures = 0;
        // A stop that came during the drain found no sleep to cut short: do not start one.
        if (!hinted && !stopped) await sleep(pollIntervalMs);
      } catch (error) {
        failures += 1;
        options.onError?.(error);
        if (!stopped) await sleep(Math.min(pollIntervalMs * 2 ** failures, 30_000));
      }
    }
  })();

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  }

  return {
    checkpoint: () => checkpoint,
    catchUp: drain,
    waitFor(position, timeoutMs = 10_000) {
      if (checkpoint !== null && store.comparePositions(position, checkpoint) <= 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = { position, resolve: () => (clearTimeout(timer), resolve()) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`projection did not reach position ${position} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
        drain().catch(() => undefined);
      });
    },
    async stop() {
      stopped = true;
      stopListening();
      wake?.();
      await loop;
      await running.catch(() => undefined);
    },
  };
}
