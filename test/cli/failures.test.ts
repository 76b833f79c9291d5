import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

/** Failures a person can fix: one line on stderr naming the problem and what to do, exit 1, no stack. */
function expectOneLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('failures people can act on', () => {
  let dir: string;
  let taken: Server;
  let takenPort: number;
  let closedPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-failures-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a port in use', async () => {
    const result = await runCli(['serve'], { LATCHKEY_DATA_DIR: dir, PORT: String(takenPort), HOST: '127.0.0.1' });
    expectOneLine(
      result,
      new RegExp(`^latchkey: cannot listen on 127\\.0\\.0\\.1:${takenPort}: .*set PORT to a free port`),
    );
  });

  it('bad settings', async () => {
    const result = await runCli(['audit', 'verify'], { LATCHKEY_DATA_DIR: dir, PORT: 'eighty' });
    expectOneLine(result, /^latchkey: Latchkey's settings have mistakes: PORT: use a port number/);
  });

  it('a data folder that is a file', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    const result = await runCli(['audit', 'verify'], { LATCHKEY_DATA_DIR: file });
    expectOneLine(result, /^latchkey: LATCHKEY_DATA_DIR: .* is a file, not a folder/);
  });

  it('an event store file that cannot be read', async () => {
    // A folder where the store file should be: unreadable as a database, whoever runs the test (even root).
    const data = mkdtempSync(join(tmpdir(), 'latchkey-unreadable-'));
    mkdirSync(join(data, 'events.sqlite'));
    try {
      const result = await runCli(['audit', 'verify'], { LATCHKEY_DATA_DIR: data });
      expectOneLine(result, /^latchkey: cannot open the event store at .*events\.sqlite/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('a data folder that does not exist', async () => {
    const result = await runCli(['audit', 'verify'], { LATCHKEY_DATA_DIR: join(dir, 'no-such-folder') });
    expectOneLine(result, /^latchkey: LATCHKEY_DATA_DIR: the folder .* does not exist\. Create it or fix the path/);
  });

  it('a store that cannot be reached', async () => {
    const result = await runCli(['audit', 'verify'], {
      LATCHKEY_DATA_DIR: dir,
      LATCHKEY_STORE: `postgres://postgres@127.0.0.1:${closedPort}/test`,
    });
    expectOneLine(result, /^latchkey: .*127\.0\.0\.1/);
  });

  it('--debug shows the stack trace that is otherwise kept back', async () => {
    const result = await runCli(['--debug', 'serve'], {
      LATCHKEY_DATA_DIR: dir,
      PORT: String(takenPort),
      HOST: '127.0.0.1',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^latchkey: cannot listen on/);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});
