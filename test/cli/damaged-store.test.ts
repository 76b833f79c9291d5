import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const sample = fileURLToPath(new URL('../fixtures/clients-sample.csv', import.meta.url));

/** One line on stderr, exit 1, no stack trace. */
function expectOneLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('a damaged event store file', () => {
  let dir: string;
  let env: Record<string, string>;
  const eventsFile = () => join(dir, 'events.sqlite');
  const pristine = () => join(dir, 'pristine.sqlite');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-damaged-'));
    env = { LATCHKEY_DATA_DIR: dir };
    expect((await runCli(['clients', 'import', sample], env)).code).toBe(0);
    const db = new Database(eventsFile());
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    copyFileSync(eventsFile(), pristine());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    for (const suffix of ['-wal', '-shm']) rmSync(`${eventsFile()}${suffix}`, { force: true });
    // The read models are a cache of the log: each case rebuilds them from its own damaged copy.
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `read-models.sqlite${suffix}`), { force: true });
    copyFileSync(pristine(), eventsFile());
  });

  const countEvents = () => {
    const db = new Database(pristine(), { readonly: true });
    const count = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    db.close();
    return count;
  };

  /** Flips one bit of the stored bytes at `offset`, as failing storage would. */
  function flipByte(offset: number): void {
    const bytes = readFileSync(eventsFile());
    bytes[offset]! ^= 0x01;
    writeFileSync(eventsFile(), bytes);
  }

  /** Pages of one table or index, from SQLite's own page map of the untouched copy. */
  function pagesOf(name: string): number[] {
    const db = new Database(pristine(), { readonly: true });
    const pages = db
      .prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`)
      .pluck()
      .all(name) as number[];
    db.close();
    return pages;
  }

  const setEmail = () => runCli(['clients', 'set-email', 'C1015', 'zoe.new@example.com'], env);

  it('a torn last page: writes are refused with one line naming the file and what to do', async () => {
    const pageBytes = 4096;
    truncateSync(eventsFile(), statSync(eventsFile()).size - pageBytes / 2);
    const result = await setEmail();
    expectOneLine(
      result,
      /^latchkey: the event store at .*events\.sqlite is damaged: .*Writes are refused: .*restore the latest backup.*audit verify --deep/,
    );
  });

  it('a flipped bit in the last event: the open check finds it and no write is made', async () => {
    const db = new Database(pristine(), { readonly: true });
    const last = db.prepare('SELECT position, data FROM events ORDER BY position DESC LIMIT 1').get() as {
      position: number;
      data: string;
    };
    db.close();
    const at = readFileSync(eventsFile()).lastIndexOf(Buffer.from(last.data));
    expect(at).toBeGreaterThan(0);
    flipByte(at + Math.floor(last.data.length / 2));
    const result = await setEmail();
    expectOneLine(
      result,
      new RegExp(
        `^latchkey: the event store at .*events\\.sqlite is damaged: the event at position ${last.position}, among the last 1000: its content does not match its hash\\. Writes are refused`,
      ),
    );
    const after = new Database(eventsFile(), { readonly: true });
    expect((after.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(countEvents());
    after.close();
  });

  it('a flipped index page: audit verify --deep reports the damage and never "intact"', async () => {
    const [indexPage] = pagesOf('sqlite_autoindex_events_1');
    expect(indexPage).toBeDefined();
    const db = new Database(pristine(), { readonly: true });
    const ids = db.prepare('SELECT id FROM events').pluck().all() as string[];
    db.close();
    const bytes = readFileSync(eventsFile());
    const start = (indexPage! - 1) * 4096;
    const page = bytes.subarray(start, start + 4096);
    const id = ids.find((candidate) => page.includes(Buffer.from(candidate)))!;
    flipByte(start + page.indexOf(Buffer.from(id)) + 3);

    const deep = await runCli(['audit', 'verify', '--deep'], env);
    expect(deep.code).toBe(2);
    expect(deep.stdout).toMatch(/^DAMAGED: the event store file .*events\.sqlite fails the integrity check: .*index/m);
    expect(deep.stdout).not.toMatch(/intact/);
  });

  it('an untouched file passes the deep check and verifies', async () => {
    const deep = await runCli(['audit', 'verify', '--deep'], env);
    expect(deep.code).toBe(0);
    expect(deep.stdout).toContain('passes the full integrity check');
    expect(deep.stdout).toContain('The log is intact');
  });
});

describe('a damaged read-model file', () => {
  let dir: string;
  let env: Record<string, string>;
  const readModels = () => join(dir, 'read-models.sqlite');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-damaged-cache-'));
    env = { LATCHKEY_DATA_DIR: dir };
    expect((await runCli(['clients', 'import', sample], env)).code).toBe(0);
    const db = new Database(readModels());
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['overwritten header', (bytes: Buffer) => bytes.fill(0x5a, 0, 100)],
    ['zeroed page', (bytes: Buffer) => bytes.fill(0, 4096 * 2, 4096 * 3)],
  ])('%s: it is moved aside, rebuilt from the log, and one line is logged', async (_name, damage) => {
    const bytes = readFileSync(readModels());
    damage(bytes);
    writeFileSync(readModels(), bytes);
    // A command that reads the live read models (audits replay into memory instead).
    const result = await runCli(['clients', 'search', 'zoe'], { ...env, LOG_LEVEL: 'warn' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("C1015  Zoë O'Neil-Jackson");
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('the read-model file was damaged: moved it aside and rebuilding it from the log');
    const moved = readdirSync(dir).filter((name) => /^read-models\.sqlite\.damaged-[^-]/.test(name));
    expect(moved.length).toBeGreaterThanOrEqual(1);
    const fresh = new Database(readModels(), { readonly: true });
    expect(fresh.pragma('quick_check', { simple: true })).toBe('ok');
    fresh.close();
    for (const name of moved) rmSync(join(dir, name));
    const db = new Database(readModels());
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  });
});
