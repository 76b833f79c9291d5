import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeIdentifier } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { dropSchema, newSchema, storeUrl, withPostgres } from './support.ts';

const root = mkdtempSync(join(tmpdir(), 'latchkey-store-copy-'));
const schema = newSchema();
const source = `sqlite:${join(root, 'seed', 'events.sqlite')}`;
const viaPostgres = storeUrl(schema);
const back = `sqlite:${join(root, 'back.sqlite')}`;

const freshDir = (name: string) => mkdtempSync(join(root, `${name}-`));

/** An audit command run the way an operator checks a copy: pointed at it, with nothing else of the old instance. */
const audit = (store: string, ...args: string[]) =>
  runCli(['audit', ...args], { LATCHKEY_STORE: store, LATCHKEY_DATA_DIR: freshDir('audit') });

const headOf = (verified: string) => /Head ([0-9a-f]{64})/.exec(verified)?.[1];

const postgresEventCount = () =>
  withPostgres(async (db) =>
    Number(
      (await db.query<{ count: string }>(`SELECT count(*) FROM ${escapeIdentifier(schema)}.events`)).rows[0]!.count,
    ),
  );

beforeAll(async () => {
  const seedDir = join(root, 'seed');
  mkdirSync(seedDir);
  const demo = await runCli(['demo'], { LATCHKEY_DATA_DIR: seedDir });
  expect(demo.code).toBe(0);
});

afterAll(async () => {
  await dropSchema(schema);
  rmSync(root, { recursive: true, force: true });
});

describe('latchkey store copy', () => {
  it('copies a demo log from SQLite to PostgreSQL and back, and each copy verifies and rebuilds', async () => {
    const original = await audit(source, 'verify');
    expect(original.code).toBe(0);
    const [, count] = /intact: (\d+) events/.exec(original.stdout) ?? [];

    const there = await runCli(['store', 'copy', '--from', source, '--to', viaPostgres], {});
    expect(there.code, there.stderr).toBe(0);
    expect(there.stdout).toContain(`Copied ${count} events`);
    expect(there.stdout).toContain('latchkey audit verify');
    expect(there.stderr).toContain(`Copying events: ${count}/${count}`);
    const home = await runCli(['store', 'copy', '--from', viaPostgres, '--to', back], {});
    expect(home.code, home.stderr).toBe(0);
    expect(home.stdout).toContain(`Copied ${count} events`);

    for (const copy of [viaPostgres, back]) {
      const [verified, rebuilt] = await Promise.all([audit(copy, 'verify'), audit(copy, 'rebuild', '--check')]);
      expect(verified.code, `${copy}: ${verified.stdout}${verified.stderr}`).toBe(0);
      expect(verified.stdout).toContain(`The log is intact: ${count} events`);
      expect(headOf(verified.stdout)).toBe(headOf(original.stdout));
      expect(rebuilt.code, `${copy}: ${rebuilt.stdout}${rebuilt.stderr}`).toBe(0);
      expect(rebuilt.stdout).toContain(`Rebuilt from ${count} events: the read models equal the live ones`);
    }
  });

  it('refuses a target that holds events, an unknown scheme, a missing source and an unreachable server, changing nothing', async () => {
    // The PostgreSQL copy made above is the occupied target.
    const before = await postgresEventCount();
    expect(before).toBeGreaterThan(0);
    const [occupied, unknown, missing, unreachable] = await Promise.all([
      runCli(['store', 'copy', '--from', source, '--to', viaPostgres], {}),
      runCli(['store', 'copy', '--from', 'mysql://app:s3cret@db/latchkey', '--to', back], {}),
      runCli(['store', 'copy', '--from', join(root, 'no-such.sqlite'), '--to', join(root, 'unused.sqlite')], {}),
      runCli(['store', 'copy', '--from', source, '--to', 'postgres://latchkey:hunter2@127.0.0.1:1/test'], {}),
    ]);
    expect(occupied).toMatchObject({ code: 1, stdout: '' });
    expect(occupied.stderr).toMatch(/--to: .* already holds events\. Copy into a new, empty store/);
    expect(await postgresEventCount()).toBe(before);

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--from: unknown event store location scheme "mysql:"; use sqlite:/);
    expect(unknown.stderr).not.toContain('s3cret');

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`--from: there is no event store at ${join(root, 'no-such.sqlite')}`);
    expect(existsSync(join(root, 'no-such.sqlite')) || existsSync(join(root, 'unused.sqlite'))).toBe(false);

    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/--to: cannot open the event store at postgres:\/\/127\.0\.0\.1:1\/test/);
    expect(unreachable.stderr).not.toContain('hunter2');
  });
});
