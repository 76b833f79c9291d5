import type { EventStore, NewEvent, StoredLink } from './port.ts';

export interface CopyEventStoreOptions {
  readonly batchSize?: number;
  readonly onProgress?: (eventsCopied: number) => void;
}

/**
 * Copies a whole log into an empty store, in order, keeping every event id, stream and revision.
 * Each run of consecutive events of one stream is appended with its exact expected revision, so
 * a target that numbers positions 1..n (sqlite, postgres) recomputes the very same chain hashes
 * as the source, and `verifyChain` on the copy proves nothing was lost or changed on the way.
 */
export async function copyEventStore(
  from: EventStore,
  to: EventStore,
  options: CopyEventStoreOptions = {},
): Promise<{ eventsCopied: number }> {
  const batchSize = options.batchSize ?? 1_000;
  if ((await to.readAll({ after: null, limit: 1 })).length > 0) {
    throw new Error('the target event store already holds events: copy into a new, empty store');
  }
  let after: string | null = null;
  let eventsCopied = 0;
  for (;;) {
    const links = await from.readLinks({ after, limit: batchSize });
    if (links.length === 0) return { eventsCopied };
    const appends = splitIntoStreamRuns(links).map((run) => ({
      stream: run[0]!.stream,
      events: run.map(toNewEvent),
      expected: run[0]!.revision === 0 ? ('no_stream' as const) : run[0]!.revision - 1,
    }));
    // One transaction per page where the target can: a log switches stream at nearly every event.
    if (to.appendAtomically) await to.appendAtomically(appends);
    else for (const { stream, events, expected } of appends) await to.append(stream, events, { expected });
    eventsCopied += links.length;
    after = links[links.length - 1]!.position;
    options.onProgress?.(eventsCopied);
  }
}

function splitIntoStreamRuns(links: readonly StoredLink[]): StoredLink[][] {
  const runs: StoredLink[][] = [];
  for (const link of links) {
    const current = runs[runs.length - 1];
    if (current && current[0]!.stream === link.stream) current.push(link);
    else runs.push([link]);
  }
  return runs;
}

/** The stored bytes were written by JSON.stringify, so parsing them back re-serialises identically. */
function toNewEvent(link: StoredLink): NewEvent {
  return { id: link.id, type: link.type, data: JSON.parse(link.dataJson), metadata: JSON.parse(link.metadataJson) };
}
