import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresEventStore } from '../../src/eventstore/postgres.ts';
import { runCli } from '../support/cli.ts';

/** Every file of a folder with its size and modification time, to show nothing was written. */
function snapshot(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const stat = statSync(join(dir, name));
      return `${name} ${stat.size} ${stat.mtimeMs}`;
    });
}

/** A read-only bind mount: refused writes even for root. Needs root; otherwise SKIPPED. */
function mountReadOnly(source: string, target: string): string | null {
  try {
    mkdirSync(target);
    execFileSync('mount', ['--bind', source, target], { stdio: 'pipe' });
    execFileSync('mount', ['-o', 'remount,bind,ro', target], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}

describe('audits of a read-only copy', () => {
  let dir: string;
  let readOnly: string;
  let skipped: string | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-ro-audit-'));
    const data = join(dir, 'data');
    mkdirSync(data);
    expect((await runCli(['demo'], { LATCHKEY_DATA_DIR: data })).code).toBe(0);
    expect((await runCli(['store', 'backup', join(data, 'backup.sqlite')], { LATCHKEY_DATA_DIR: data })).code).toBe(0);
    readOnly = join(dir, 'read-only');
    skipped = mountReadOnly(data, readOnly);
    if (skipped) console.log(`SKIPPED read-only folder audits: cannot make a read-only bind mount (${skipped})`);
  });
  afterAll(() => {
    if (!skipped) execFileSync('umount', [readOnly]);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['the data folder', (ro: string) => ({ LATCHKEY_DATA_DIR: ro })],
    [
      'a backup file',
      (ro: string) => ({ LATCHKEY_DATA_DIR: ro, LATCHKEY_STORE: `sqlite:${join(ro, 'backup.sqlite')}` }),
    ],
  ])('verify, log, client and as-of read %s and write nothing', async (_name, settings) => {
    if (skipped) return;
    const env = settings(readOnly);
    const before = snapshot(readOnly);
    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toMatch(/The log is intact: \d+ events/);
    const log = await runCli(['audit', 'log'], env);
    expect(log.code).toBe(0);
    expect(log.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(25);
    const client = await runCli(['audit', 'client', 'D1001'], env);
    expect(client.stdout).toContain('Timeline of D1001 (Olivia Nguyen)');
    const asOf = await runCli(['audit', 'as-of', new Date(Date.now() + 60_000).toISOString(), 'D1001'], env);
    expect(asOf.stdout).toMatch(/login olivia.nguyen@example.com/);
    expect(snapshot(readOnly)).toEqual(before);
  });
});

describe('a read-only audit on PostgreSQL', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `latchkey_ro_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  afterAll(() => admin(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`));

  it('does not migrate a schema that is behind: it refuses, saying why', async () => {
    await (await openPostgresEventStore(url, { schema })).close();
    await admin(`DELETE FROM ${escapeIdentifier(schema)}.schema_migrations WHERE version = 5`);
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-ro-pg-'));
    try {
      const result = await runCli(['audit', 'verify'], {
        LATCHKEY_DATA_DIR: dir,
        LATCHKEY_STORE: `${url}?schema=${schema}`,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^latchkey: schema \S+ is at migration 4 and this Latchkey needs 5; a read-only audit does not migrate/,
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
