import { createHash } from 'node:crypto';
import type { StoredLink } from './port.ts';

/**
 * The tamper-evidence chain. Every link covers the event's place in the log (position,
 * stream, revision), its identity and content, and the previous link, so a changed byte,
 * a deleted event and two swapped events each break the chain at a nameable event.
 */
/** What a link covers: everything stored about the event but the link itself. */
export type ChainFields = Omit<StoredLink, 'prevHash' | 'hash'>;

export function computeChainHash(prevHash: string, event: ChainFields): string {
  const hash = createHash('sha256');
  hash.update(prevHash);
  for (const part of [
    event.position,
    event.id,
    event.stream,
    String(event.revision),
    event.type,
    event.dataJson,
    event.metadataJson,
  ]) {
    // Length-prefixing makes the encoding unambiguous: no two field lists hash alike.
    hash.update(`\n${part.length}:`);
    hash.update(part);
  }
  return hash.digest('hex');
}
