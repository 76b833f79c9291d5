import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { RelayState } from './relay-pause.ts';

/** Where the relay of a data folder writes its state, beside its checkpoint. */
export const relayStateFileName = 'mail-relay-state.json';

/** What `mail status` shows of the relay: its state as the relay of this data folder last wrote it. */
export type RecordedRelayState = (RelayState | { readonly kind: 'stopped' }) & { readonly updatedAt: string };

/**
 * The relay's state in a small file beside its checkpoint, so `latchkey mail status` (another
 * process) can say whether mail is paused and why. It is a report, not a record: nothing decides
 * on it, and a missing or unreadable file only means "not known".
 */
export function writeRelayState(file: string, state: RecordedRelayState): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function readRelayState(file: string): RecordedRelayState | null {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as RecordedRelayState;
    return typeof state.kind === 'string' && typeof state.updatedAt === 'string' ? state : null;
  } catch {
    return null;
  }
}
