import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The relay's position in the log, in a small file of its own under the data folder. Not in the
 * read-model database, which is a cache anyone may delete; not in the event store, where a
 * checkpoint event per batch would bury the audit record. Losing it costs a rescan, never a
 * resend: requests already answered by an EmailSent/EmailSendFailed are skipped, and requests
 * older than the maximum age are recorded as not sent.
 */
export interface RelayCheckpoint {
  read(): string | null;
  write(position: string): void;
}

export function openRelayCheckpoint(file: string): RelayCheckpoint {
  return {
    read() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const position = (JSON.parse(text) as { position?: unknown }).position;
      if (typeof position !== 'string')
        throw new Error(`the mail relay checkpoint ${file} is damaged; delete it and the relay rescans the log safely`);
      return position;
    },
    write(position) {
      // Write, flush, then rename over the old one: a crash leaves the old checkpoint or the new, never half of one.
      const temporary = `${file}.tmp`;
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, `${JSON.stringify({ position })}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, file);
      const dir = openSync(dirname(file), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    },
  };
}
