import { computeChainHash } from './chain.ts';
import type { EventStore, StoredLink } from './port.ts';

/** A link recorded earlier (outside the database), which the log must still hold. */
export interface ChainAnchor {
  readonly position: string;
  readonly hash: string;
}

export type ChainVerdict =
  | {
      readonly ok: true;
      readonly eventsChecked: number;
      readonly headHash: string;
      readonly headPosition: string | null;
    }
  | {
      readonly ok: false;
      readonly eventsChecked: number;
      /** The first event that does not hold; null when the log ends before an anchor. */
      readonly firstBad: StoredLink | null;
      readonly problem: string;
    };

/**
 * Recomputes every link of the chain from the stored bytes, not just its ends, and names the
 * first event that does not hold: a changed byte breaks its own hash, a deleted event breaks
 * its successor's previous-hash, and swapped events break both. The chain alone cannot show that
 * the end of the log was cut off or rewritten as a whole, so anchors (position and hash recorded
 * earlier, somewhere else) are checked too.
 */
export async function verifyChain(
  store: EventStore,
  options: { batchSize?: number; onProgress?: (eventsChecked: number) => void; anchors?: readonly ChainAnchor[] } = {},
): Promise<ChainVerdict> {
  const batchSize = options.batchSize ?? 5_000;
  const anchors = new Map((options.anchors ?? []).map((anchor) => [anchor.position, anchor.hash]));
  const streamRevisions = new Map<string, number>();
  let prevHash = '';
  let previous: string | null = null;
  let eventsChecked = 0;
  for (;;) {
    const links = await store.readLinks({ after: previous, limit: batchSize });
    if (links.length === 0) return endOfLog(anchors, eventsChecked, prevHash, previous);
    for (const link of links) {
      const problem = findProblem(link, prevHash, streamRevisions) ?? checkAnchor(link, anchors);
      if (problem) return { ok: false, eventsChecked, firstBad: link, problem };
      anchors.delete(link.position);
      streamRevisions.set(link.stream, link.revision);
      prevHash = link.hash;
      previous = link.position;
      eventsChecked += 1;
    }
    options.onProgress?.(eventsChecked);
  }
}

function checkAnchor(link: StoredLink, anchors: ReadonlyMap<string, string>): string | null {
  const anchored = anchors.get(link.position);
  return anchored !== undefined && anchored !== link.hash
    ? 'its hash differs from the anchor recorded for this position (the log was rewritten up to here)'
    : null;
}

function endOfLog(
  anchors: ReadonlyMap<string, string>,
  eventsChecked: number,
  headHash: string,
  headPosition: string | null,
): ChainVerdict {
  const [missing] = anchors.keys();
  if (missing !== undefined) {
    return {
      ok: false,
      eventsChecked,
      firstBad: null,
      problem: `the log ends before anchored position ${missing} (events were removed from its end)`,
    };
  }
  return { ok: true, eventsChecked, headHash, headPosition };
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
