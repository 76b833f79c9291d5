import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresEventStore } from '../../src/eventstore/postgres.ts';
import { verifyChain } from '../../src/eventstore/verify.ts';
import { runCli } from '../support/cli.ts';
import { startServe } from '../support/serve.ts';

describe('latchkey store backup', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-backup-'));
    env = { LATCHKEY_DATA_DIR: join(dir, 'data') };
    mkdirSync(env.LATCHKEY_DATA_DIR!);
    expect((await runCli(['demo'], env)).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a backup taken while serving restores into a new data folder and verifies', async () => {
    const serve = await startServe(env);
    let backup;
    try {
      backup = await runCli(['store', 'backup', join(dir, 'events.backup.sqlite')], env);
    } finally {
      await serve.stop();
    }
    expect(backup.stderr).not.toMatch(/latchkey:/);
    expect(backup.code).toBe(0);
    const backedUp = Number(/Backed up (\d+) events/.exec(backup.stdout)?.[1]);
    expect(backedUp).toBeGreaterThan(0);
    expect(backup.stdout).toContain('every link of its chain verified');

    const restored = join(dir, 'restored');
    mkdirSync(restored);
    copyFileSync(join(dir, 'events.backup.sqlite'), join(restored, 'events.sqlite'));
    copyFileSync(join(env.LATCHKEY_DATA_DIR!, 'pepper'), join(restored, 'pepper'));
    const verify = await runCli(['audit', 'verify', '--deep'], { LATCHKEY_DATA_DIR: restored });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`The log is intact: ${backedUp} events, every link verified.`);
    const timeline = await runCli(['audit', 'client', 'D1001'], { LATCHKEY_DATA_DIR: restored });
    expect(timeline.stdout).toContain('Timeline of D1001 (Olivia Nguyen)');
  });

  it('restored in place of the store, the read models follow the restored log', async () => {
    const folder = join(dir, 'in-place');
    mkdirSync(folder);
    const local = { LATCHKEY_DATA_DIR: folder };
    expect((await runCli(['demo'], local)).code).toBe(0);
    const backupFile = join(dir, 'in-place.backup.sqlite');
    expect((await runCli(['store', 'backup', backupFile], local)).code).toBe(0);
    // After the backup: a change the read models hold, and that the backup does not.
    expect((await runCli(['clients', 'set-email', 'D1001', 'after.backup@example.com'], local)).code).toBe(0);
    expect((await runCli(['clients', 'search', 'after.backup'], local)).stdout).toContain('D1001');

    // The README's restore: the backup in place of the store file, its -wal and -shm removed.
    copyFileSync(backupFile, join(folder, 'events.sqlite'));
    for (const suffix of ['-wal', '-shm']) rmSync(join(folder, `events.sqlite${suffix}`), { force: true });
    const searched = await runCli(['clients', 'search', 'after.backup'], local);
    expect(searched.stdout).not.toContain('D1001');
    // The next event takes a position the read models had applied from the later log: it is applied.
    expect((await runCli(['clients', 'set-email', 'D1001', 'after.restore@example.com'], local)).code).toBe(0);
    expect((await runCli(['clients', 'search', 'after.restore'], local)).stdout).toContain('D1001');
  });

  it('never overwrites an existing file', async () => {
    const again = await runCli(['store', 'backup', join(env.LATCHKEY_DATA_DIR!, 'pepper')], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^latchkey: .*pepper already exists: name a new file/);
  });

  it('on PostgreSQL it says to use pg_dump', async () => {
    const result = await runCli(['store', 'backup', join(dir, 'x.sqlite')], {
      ...env,
      LATCHKEY_STORE: 'postgres://postgres@127.0.0.1:5432/test',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^latchkey: the event store is on PostgreSQL: back it up with pg_dump/);
    expect(existsSync(join(dir, 'x.sqlite'))).toBe(false);
  });
});

const pgUrl = 'postgres://postgres@127.0.0.1:5432/test';
const hasPgTools = ['pg_dump', 'psql'].every((tool) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
});
if (!hasPgTools) console.log('SKIPPED PostgreSQL backup and restore: pg_dump or psql is not installed');

describe.skipIf(!hasPgTools)('PostgreSQL backup with pg_dump, restored with psql', () => {
  const suffix = randomBytes(5).toString('hex');
  const schema = `latchkey_backup_${suffix}`;
  const database = `latchkey_restore_${suffix}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    await admin(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
    await admin(`DROP DATABASE IF EXISTS ${escapeIdentifier(database)}`);
  });

  it('the restored database holds the same chain and verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-pg-backup-'));
    try {
      const store = `${pgUrl}?schema=${schema}`;
      expect((await runCli(['demo'], { LATCHKEY_DATA_DIR: dir, LATCHKEY_STORE: store })).code).toBe(0);
      const dump = join(dir, 'latchkey.sql');
      execFileSync('pg_dump', ['--schema', schema, '--no-owner', '--file', dump, pgUrl], { stdio: 'pipe' });
      await admin(`CREATE DATABASE ${escapeIdentifier(database)} ENCODING 'UTF8' TEMPLATE template0`);
      const restoredUrl = `postgres://postgres@127.0.0.1:5432/${database}`;
      execFileSync('psql', ['--quiet', '--set', 'ON_ERROR_STOP=1', '--file', dump, restoredUrl], { stdio: 'pipe' });

      const original = await openPostgresEventStore(pgUrl, { schema });
      const restored = await openPostgresEventStore(restoredUrl, { schema });
      try {
        const [before, after] = [await verifyChain(original), await verifyChain(restored)];
        expect(after.ok).toBe(true);
        expect(after).toEqual(before);
        expect(after.eventsChecked).toBeGreaterThan(0);
      } finally {
        await original.close();
        await restored.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
