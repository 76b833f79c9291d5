import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const sample = fileURLToPath(new URL('../fixtures/clients-sample.csv', import.meta.url));

describe('latchkey clients set-email', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    env = { LATCHKEY_DATA_DIR: dir };
    expect((await runCli(['clients', 'import', sample], env)).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('changes the email with the command-line user as actor, and the same change again does nothing', async () => {
    const changed = await runCli(['clients', 'set-email', 'C1015', ' Zoe.New@Example.com '], env);
    expect(changed.stderr).toBe('');
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('C1015: email changed to zoe.new@example.com (was zoe.oneil@example.com).');
    const again = await runCli(['clients', 'set-email', 'C1015', 'zoe.new@example.com'], env);
    expect(again.stdout).toContain('nothing changed');
    const timeline = await runCli(['audit', 'client', 'C1015'], env);
    expect(timeline.stdout.match(/ClientDetailsChanged/g)).toHaveLength(1);
    expect(timeline.stdout).toContain('zoe.new@example.com');
  });

  it('refuses a bad address or an unknown client with a clear error', async () => {
    const bad = await runCli(['clients', 'set-email', 'C1015', 'not-an-email'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not-an-email is not a valid email address');
    const unknown = await runCli(['clients', 'set-email', 'NOPE', 'a@example.com'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no client NOPE');
  });

  it('sends the credentials to the new address when asked', async () => {
    expect((await runCli(['login', 'assign', 'C1001', 'olivia.nguyen'], env)).code).toBe(0);
    const sent = await runCli(['clients', 'set-email', 'C1001', 'fixed@example.com', '--send-credentials'], env);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('C1001: credentials email queued to fixed@example.com.');
  });
});
