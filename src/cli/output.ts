import { once } from 'node:events';

/**
 * Thrown by a write once the reader has gone (`latchkey audit log | head -1`). The command stops
 * there, its resources are closed on the way out, and the process ends quietly with exit 0.
 */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

export interface Output {
  /** Resolves once the stream can take more, so a long listing never piles up in memory. */
  write(text: string): Promise<void>;
}

/**
 * Writes with back-pressure and notices a closed pipe. Without an 'error' listener an EPIPE would
 * crash the process with a stack trace; without waiting for 'drain' a large export would sit in
 * memory, and an exit before it drained would silently cut it short.
 */
export function createOutput(stream: NodeJS.WritableStream): Output {
  let closed = false;
  const close = () => {
    closed = true;
  };
  stream.on('error', close);
  stream.on('close', close);
  return {
    async write(text) {
      if (closed) throw new OutputClosedError('the reader closed the output');
      if (stream.write(text)) return;
      const abort = new AbortController();
      await Promise.race([
        once(stream, 'drain', { signal: abort.signal }),
        once(stream, 'close', { signal: abort.signal }),
      ]).catch(() => undefined);
      abort.abort();
      if (closed) throw new OutputClosedError('the reader closed the output');
    },
  };
}

/** Standard output for commands: every line they print goes through here. */
export const stdout: Output = createOutput(process.stdout);

/** Resolves when everything written to the stream has been handed to the system (or it closed). */
export function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
    stream.once('close', () => resolve());
  });
}
