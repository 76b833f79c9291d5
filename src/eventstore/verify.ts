import { computeChainHash } from './chain.ts';
import type { EventStore, StoredLink } from './port.ts';

export type ChainVerdict =
  | { readonly ok: true; readonly eventsChecked: number; readonly headHash: string }
  | { readonly ok: false; readonly eventsChecked: number; readonly firstBad: StoredLink; readonly problem: string };

/**
 * Recomputes every link of the chain from the stored bytes, not just its ends, and names the
 * first event that does not hold: a changed byte breaks its own hash, a deleted event breaks
 * its successor's previous-hash, and swapped events break both.
 */
export async function verifyChain(
  store: EventStore,
  options: { batchSize?: number; onProgress?: (eventsChecked: number) => void } = {},
): Promise<ChainVerdict> {
  const batchSize = options.batchSize ?? 5_000;
  const streamRevisions = new Map<string, number>();
  let prevHash = '';
  let previous: string | null = null;
  let eventsChecked = 0;
  for (;;) {
    const links = await store.readLinks({ after: previous, limit: batchSize });
    if (links.length === 0) return { ok: true, eventsChecked, headHash: prevHash };
    for (const link of links) {
      const problem = findProblem(link, prevHash, streamRevisions);
      if (problem) return { ok: false, eventsChecked, firstBad: link, problem };
      streamRevisions.set(link.stream, link.revision);
      prevHash = link.hash;
      previous = link.position;
      eventsChecked += 1;
    }
    options.onProgress?.(eventsChecked);
  }
}

function findProblem(link: StoredLink, expectedPrevHash: string, streamRevisions: Map<string, number>): string | null {
  if (link.prevHash !== expectedPrevHash) {
    return 'its previous-hash does not match the event before it (an event was removed, inserted or moved)';
  }
  if (computeChainHash(link.prevHash, link) !== link.hash) {
    return 'its content does not match its hash (the stored event was changed)';
  }
  const expectedRevision = (streamRevisions.get(link.stream) ?? -1) + 1;
  if (link.revision !== expectedRevision) {
    return `its stream revision is ${link.revision} where ${expectedRevision} was expected`;
  }
  return null;
}
