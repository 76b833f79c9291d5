import { afterEach, beforeEach } from 'vitest';
import type { LatchkeyEvent } from '../../src/domain/events.ts';
import { openReadModels, type ReadModels } from '../../src/projections/read-models.ts';
import { asRecorded, comparePositions } from '../support/sample-events.ts';

export const defaultAt = '2026-03-03T14:00:00.000Z';

/**
 * Fresh in-memory read models for each test, and `apply(events, at)`: the events as the log
 * hands them over, at the next positions, each decided at `at`. Returns the events' ids.
 */
export function useReadModels(): {
  readModels: () => ReadModels;
  apply: (events: readonly LatchkeyEvent[], at?: string) => string[];
} {
  let readModels: ReadModels | undefined;
  let position = 0;
  beforeEach(() => {
    readModels = openReadModels(':memory:');
    position = 0;
  });
  afterEach(() => readModels?.close());
  const current = () => {
    if (!readModels) throw new Error('read models are opened for each test');
    return readModels;
  };
  return {
    readModels: current,
    apply(events, at = defaultAt) {
      const recorded = asRecorded(events, { at, firstPosition: position + 1 });
      position += events.length;
      current().apply(recorded, comparePositions);
      return recorded.map((event) => event.id);
    },
  };
}
