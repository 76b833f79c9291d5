import type { AppDeps } from '../app/deps.ts';
import type { SlackConfig } from '../config.ts';
import type { Logger } from '../logger.ts';

/** What the listeners need, handed to each `register`. */
export interface SlackServices {
  readonly deps: AppDeps;
  readonly settings: SlackConfig;
  readonly logger: Logger;
  readonly bulkRuns: BulkRuns;
  /** The business's time zone, in which staff read every time. */
  readonly timeZone: string;
}

/**
 * One bulk run of each kind at a time in this process: two staff pressing "provision everyone"
 * together would otherwise start two batches over the same clients and email them twice.
 */
export interface BulkRuns {
  /** The label of the run already going, or null when this one was started. */
  tryStart(kind: string, label: string): string | null;
  finish(kind: string): void;
}

export function createBulkRuns(): BulkRuns {
  const running = new Map<string, string>();
  return {
    tryStart(kind, label) {
      const current = running.get(kind);
      if (current !== undefined) return current;
      running.set(kind, label);
      return null;
    },
    finish: (kind) => void running.delete(kind),
  };
}
