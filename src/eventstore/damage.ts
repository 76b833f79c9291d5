import { computeChainHash } from './chain.ts';
import type { StoredLink } from './port.ts';

/** Where a run of stored links first fails to verify. */
export interface LinkProblem {
  readonly position: string;
  readonly problem: string;
}

/**
 * Checks a run of consecutive stored links, oldest first: each recomputes to its own hash and
 * names the one before it as its previous-hash. The first link's own predecessor is not in the
 * run, so only its hash is checked; a run that starts the log must start from ''.
 */
export function findBrokenLink(links: readonly StoredLink[]): LinkProblem | null {
  let previous: StoredLink | undefined;
  for (const link of links) {
    if (previous && link.prevHash !== previous.hash)
      return { position: link.position, problem: 'its previous-hash does not match the event before it' };
    if (!previous && link.position === '1' && link.prevHash !== '')
      return { position: link.position, problem: 'the first event names a previous-hash' };
    if (computeChainHash(link.prevHash, link) !== link.hash)
      return { position: link.position, problem: 'its content does not match its hash' };
    previous = link;
  }
  return null;
}

/** What to do about a damaged store, the same words wherever the damage is found. */
export const damagedStoreAdvice =
  'Writes are refused: stop Latchkey, restore the latest backup (README, "Backups and damaged storage"), ' +
  'and run `latchkey audit verify --deep` for detail';

/** One line naming the store, what is wrong with it, and what to do. */
export function describeDamage(where: string, what: string): string {
  return `the event store at ${where} is damaged: ${what}. ${damagedStoreAdvice}.`;
}
