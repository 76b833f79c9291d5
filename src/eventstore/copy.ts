import type { EventStore, StoredLink } from './port.ts';

export interface CopyEventStoreOptions {
  readonly batchSize?: number;
  readonly onProgress?: (eventsCopied: number) => void;
}

/**
 * Copies a whole log into an empty store, in order, keeping every event id, stream, revision,
 * position and stored byte. Each page goes in with one `appendLinks` call, in which the target
 * recomputes every link and checks it continues its own chain, its stream's revisions and its ids:
 * a copy that finishes holds the source's chain exactly, and a source whose chain is broken stops
 * the copy at the first bad link. The next page is read while the target writes this one.
 */
export async function copyEventStore(
  from: EventStore,
  to: EventStore,
  options: CopyEventStoreOptions = {},
): Promise<{ eventsCopied: number }> {
  const batchSize = options.batchSize ?? 5_000;
  if ((await to.readAll({ after: null, limit: 1 })).length > 0) {
    throw new Error('the target event store already holds events: copy into a new, empty store');
  }
  let eventsCopied = 0;
  let next = readPage(from, null, batchSize);
  for (;;) {
    const links = await next;
    if (links.length === 0) return { eventsCopied };
    next = readPage(from, links[links.length - 1]!.position, batchSize);
    await to.appendLinks(links);
    eventsCopied += links.length;
    options.onProgress?.(eventsCopied);
  }
}

function readPage(from: EventStore, after: string | null, limit: number): Promise<StoredLink[]> {
  const page = from.readLinks({ after, limit });
  // Read ahead: if the write of the page before fails first, this read's own failure is moot.
  page.catch(() => undefined);
  return page;
}
