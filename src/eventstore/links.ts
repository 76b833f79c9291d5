import { computeChainHash } from './chain.ts';
import { ChainLinkRejectedError, checkExpectedRevision, DuplicateEventIdError, type StoredLink } from './port.ts';

/** The last link a store holds, where appended links must continue (null: an empty store). */
export interface ChainHead {
  readonly position: string;
  readonly hash: string;
}

/**
 * The checks a store makes in JavaScript before it writes copied links: each continues the one
 * before it at the next integer position and recomputes to its stored hash, so a copy can only
 * ever extend the chain exactly as its source had it.
 */
export function checkLinksContinueChain(head: ChainHead | null, links: readonly StoredLink[]): void {
  let position = BigInt(head?.position ?? 0);
  let prevHash = head?.hash ?? '';
  for (const link of links) {
    position += 1n;
    if (link.position !== String(position))
      throw new ChainLinkRejectedError(link.position, `is not the next position of this store (${position})`);
    if (link.prevHash !== prevHash)
      throw new ChainLinkRejectedError(link.position, 'does not name the link before it as its previous-hash');
    if (computeChainHash(prevHash, link) !== link.hash)
      throw new ChainLinkRejectedError(link.position, 'does not match its hash');
    prevHash = link.hash;
  }
}

/**
 * Each link carries its stream's next revision (given what the store holds, then the links before
 * it) and an id used nowhere else in the page; ids already stored are each adapter's to refuse.
 */
export function checkLinkRevisionsAndIds(
  links: readonly StoredLink[],
  storedRevision: (stream: string) => number | null,
): void {
  const revisions = new Map<string, number | null>();
  const ids = new Set<string>();
  for (const link of links) {
    const current = revisions.has(link.stream) ? revisions.get(link.stream)! : storedRevision(link.stream);
    checkExpectedRevision(link.stream, link.revision === 0 ? 'no_stream' : link.revision - 1, current);
    revisions.set(link.stream, link.revision);
    if (ids.has(link.id)) throw new DuplicateEventIdError(link.id, link.stream);
    ids.add(link.id);
  }
}

/** The runs of consecutive links of one stream, in order. */
export function splitIntoStreamRuns(links: readonly StoredLink[]): StoredLink[][] {
  const runs: StoredLink[][] = [];
  for (const link of links) {
    const current = runs[runs.length - 1];
    if (current && current[0]!.stream === link.stream) current.push(link);
    else runs.push([link]);
  }
  return runs;
}
