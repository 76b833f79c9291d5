import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createServerLogger } from '../../src/logger.ts';

/** A stand-in for standard output that may or may not be a terminal. */
function capture(isTTY: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

describe("serve's logs", () => {
  it('are one readable line per entry on a terminal', async () => {
    const out = capture(true);
    const logger = await createServerLogger({ level: 'info', format: 'auto', destination: out.stream });
    logger.info({ url: 'http://127.0.0.1:3000' }, 'Latchkey is serving');
    await new Promise((resolve) => setImmediate(resolve));
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO.*Latchkey is serving.*url.*http:\/\/127\.0\.0\.1:3000/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });

  it('are JSON lines when not on a terminal, or when LOG_FORMAT=json', async () => {
    for (const [isTTY, format] of [
      [false, 'auto'],
      [true, 'json'],
    ] as const) {
      const out = capture(isTTY);
      const logger = await createServerLogger({ level: 'info', format, destination: out.stream });
      logger.info({ url: 'http://127.0.0.1:3000' }, 'Latchkey is serving');
      await new Promise((resolve) => setImmediate(resolve));
      expect(JSON.parse(out.text())).toMatchObject({ msg: 'Latchkey is serving', url: 'http://127.0.0.1:3000' });
    }
  });

  it('still redact secret-looking fields when pretty', async () => {
    const out = capture(true);
    const logger = await createServerLogger({ level: 'info', format: 'pretty', destination: out.stream });
    logger.info({ password: 'hunter2-hunter2' }, 'careless');
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.text()).not.toContain('hunter2');
    expect(out.text()).toContain('[redacted]');
  });
});
