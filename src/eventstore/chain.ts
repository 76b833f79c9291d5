import { createHash } from 'node:crypto';

/**
 * The tamper-evidence chain. Every link covers the event's place in the log (position,
 * stream, revision), its identity and content, and the previous link, so a changed byte,
 * a deleted event and two swapped events each break the chain at a nameable event.
 */
export interface ChainFields {
  readonly position: string;
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  /** The exact serialised JSON the store keeps. */
  readonly dataJson: string;
  readonly metadataJson: string;
}

export function computeChainHash(prevHash: string, event: ChainFields): string {
  const hash = createHash('sha256');
  hash.update(prevHash);
  for (const part of [event.position, event.id, event.stream, String(event.revision), event.type, event.dataJson, event.metadataJson]) {
    // Length-prefixing makes the encoding unambiguous: no two field lists hash alike.
    hash.update(`\n${part.length}:`);
    hash.update(part);
  }
  return hash.digest('hex');
}
