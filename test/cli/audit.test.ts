import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('latchkey demo and audit', () => {
  let dir: string;
  let env: Record<string, string>;
  const pristine = () => join(dir, 'pristine.sqlite');
  const eventsFile = () => join(dir, 'events.sqlite');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-audit-'));
    env = { LATCHKEY_DATA_DIR: dir };
    const demo = await runCli(['demo'], env);
    expect(demo.code).toBe(0);
    const db = new Database(eventsFile());
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    copyFileSync(eventsFile(), pristine());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Edits the stored log behind Latchkey's back, as an intruder with file access would. */
  function tamper(sql: string): void {
    const db = new Database(eventsFile());
    db.exec(sql);
    db.close();
  }

  /** Each verify test starts from the same untouched log. */
  function restore(): void {
    for (const suffix of ['-wal', '-shm']) rmSync(`${eventsFile()}${suffix}`, { force: true });
    copyFileSync(pristine(), eventsFile());
  }

  it('the demo prints how to sign in, and the timeline reads with actors', async () => {
    const timeline = await runCli(['audit', 'client', 'olivia.nguyen@example.com'], env);
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toContain('Timeline of D1001 (Olivia Nguyen)');
    expect(timeline.stdout).toMatch(/ClientRegistered\s+by cli \w+/);
    expect(timeline.stdout).toMatch(/LoginAssigned\s+by cli \w+\s+userName=olivia.nguyen@example.com/);
    expect(timeline.stdout).toMatch(/TempPasswordIssued\s+by cli .*delivery=shown_to_staff/);
    expect(timeline.stdout).not.toMatch(/secretHash|passwordHash/);
  });

  it('a couple sharing one email get distinct user names', async () => {
    const search = await runCli(['clients', 'search', 'taylor'], env);
    expect(search.stdout).toContain('Harper Taylor  <logan.thomas@example.com> login harper.taylor');
  });

  it('as-of replays the state at an instant and says who set it', async () => {
    const before = await runCli(['audit', 'as-of', '2000-01-01T00:00:00Z', 'D1001'], env);
    expect(before.stdout).toContain('no login');
    const now = await runCli(['audit', 'as-of', new Date(Date.now() + 60_000).toISOString(), 'D1001'], env);
    expect(now.stdout).toMatch(/login olivia.nguyen@example.com, active/);
    expect(now.stdout).toMatch(
      /could sign in with a temporary password, set .* by cli \w+ \(TempPasswordIssued, expiring/,
    );
    const bad = await runCli(['audit', 'as-of', 'yesterday', 'D1001'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not an ISO 8601 instant');
  });

  it('rebuild --check finds the live read models equal to a fresh replay', async () => {
    const result = await runCli(['audit', 'rebuild', '--check'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Rebuilt from \d+ events: the read models equal the live ones/);
  });

  it('rebuild --check reports a read model that drifted from the log', async () => {
    const models = new Database(join(dir, 'read-models.sqlite'));
    models.prepare(`UPDATE credentials SET user_name = 'someone.else' WHERE client_id = 'D1002'`).run();
    models.close();
    const result = await runCli(['audit', 'rebuild', '--check'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('DIFFERENCES');
    expect(result.stdout).toContain('someone.else');
    const fix = new Database(join(dir, 'read-models.sqlite'));
    fix.prepare(`UPDATE credentials SET user_name = 'liam.garcia@example.com' WHERE client_id = 'D1002'`).run();
    fix.close();
  });

  describe('verify', () => {
    beforeEach(restore);

    it('passes on the untouched log', async () => {
      const result = await runCli(['audit', 'verify'], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/The log is intact: \d+ events, every link verified/);
    });

    it('catches one changed byte in a stored event', async () => {
      tamper(`UPDATE events SET data = replace(data, 'olivia', 'olivja') WHERE position = 1`);
      const result = await runCli(['audit', 'verify'], env);
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(/TAMPERED: event at position 1 .*the stored event was changed/);
    });

    it('catches a deleted event', async () => {
      tamper('DELETE FROM events WHERE position = 30');
      const result = await runCli(['audit', 'verify'], env);
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(/TAMPERED: event at position 31 .*an event was removed, inserted or moved/);
    });

    it('an anchor kept from an earlier verify catches events cut from the end, which the chain alone cannot', async () => {
      const before = await runCli(['audit', 'verify'], env);
      const [, position, hash] = /Head: position (\d+), hash ([0-9a-f]{64})/.exec(before.stdout) ?? [];
      expect(position).toBeDefined();
      tamper(`DELETE FROM events WHERE position >= ${Number(position) - 1}`);
      expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
      const anchored = await runCli(['audit', 'verify', '--anchor', `${position}:${hash}`], env);
      expect(anchored.code).toBe(2);
      expect(anchored.stdout).toContain(`TAMPERED: the log: the log ends before anchored position ${position}`);
      const malformed = await runCli(['audit', 'verify', '--anchor', 'yesterday'], env);
      expect(malformed.code).toBe(1);
      expect(malformed.stderr).toContain('--anchor takes <position>:<sha-256 hex>');
    });

    it('catches two swapped events', async () => {
      tamper(`UPDATE events SET position = -1 WHERE position = 40;
              UPDATE events SET position = 40 WHERE position = 41;
              UPDATE events SET position = 41 WHERE position = -1;`);
      const result = await runCli(['audit', 'verify'], env);
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(/TAMPERED: event at position 40 /);
    });
  });
});
