import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPepper } from '../../src/app/pepper.ts';
import { createSecretHasher } from '../../src/app/secrets.ts';
import { loadSigningKeys, signingKeysPlace } from '../../src/oidc/signing-keys.ts';
import { openOidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { runCli } from '../support/cli.ts';

describe('latchkey apps', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-apps-'));
    env = { LATCHKEY_DATA_DIR: dir, BUSINESS_NAME: 'First Paws', PUBLIC_ORIGIN: 'http://localhost:3000' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists, rotates and removes an app; the secret is shown once and never stored', async () => {
    const added = await runCli(
      [
        'apps',
        'add',
        'Portal',
        '--redirect-uri',
        'https://portal.example/cb',
        '--post-logout-uri',
        'https://portal.example/',
      ],
      env,
    );
    expect(added.stderr).toBe('');
    const appId = /client_id: +(\S+)/.exec(added.stdout)![1]!;
    const secret = /client_secret: (\S+)/.exec(added.stdout)![1]!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const listed = await runCli(['apps', 'list'], env);
    expect(listed.stdout).toBe(`${appId}\tPortal\thttps://portal.example/cb\n`);

    const rotated = await runCli(['apps', 'rotate-secret', appId], env);
    const newSecret = /client_secret for \S+: (\S+)/.exec(rotated.stdout)![1]!;
    expect(newSecret).not.toBe(secret);

    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, file)).toString('latin1');
      expect(bytes.includes(secret) || bytes.includes(newSecret), file).toBe(false);
    }

    const removed = await runCli(['apps', 'remove', appId], env);
    expect(removed.stdout).toBe(`Removed ${appId}.\n`);
    expect((await runCli(['apps', 'list'], env)).stdout).toBe('');
    const again = await runCli(['apps', 'remove', appId], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`There is no app ${appId}`);
  });

  it('--business registers the app with that business alone: another business neither lists nor removes it', async () => {
    const business = await runCli(
      ['business', 'add', 'waggingtails', '--name', 'Wagging Tails', '--origin', 'http://waggingtails.localhost:3000'],
      env,
    );
    expect(business.stderr).toBe('');
    const added = await runCli(
      ['--business', 'waggingtails', 'apps', 'add', 'Tails portal', '--redirect-uri', 'https://tails.example/cb'],
      env,
    );
    const appId = /client_id: +(\S+)/.exec(added.stdout)![1]!;
    expect((await runCli(['apps', 'list', '--business', 'waggingtails'], env)).stdout).toBe(
      `${appId}\tTails portal\thttps://tails.example/cb\n`,
    );
    expect((await runCli(['apps', 'list'], env)).stdout).not.toContain(appId);
    const elsewhere = await runCli(['apps', 'remove', appId], env);
    expect(elsewhere.code).toBe(1);
    expect((await runCli(['apps', 'list', '--business', 'waggingtails'], env)).stdout).toContain(appId);
  });

  it('refuses a wildcard or plain-http redirect URI and records nothing', async () => {
    const refused = await runCli(['apps', 'add', 'Bad', '--redirect-uri', 'http://portal.example/cb'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('use https');
    const wildcard = await runCli(['apps', 'add', 'Bad', '--redirect-uri', 'https://*.example/cb'], env);
    expect(wildcard.stderr).toContain('wildcards');
    expect((await runCli(['apps', 'list'], env)).stdout).toBe('');
  });
});

describe('latchkey oidc rotate-keys', () => {
  it('publishes a new ES256 and RS256 key that sign after the grace period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-keys-'));
    try {
      const env = { LATCHKEY_DATA_DIR: dir, PUBLIC_ORIGIN: 'http://localhost:3000' };
      const rotated = await runCli(['oidc', 'rotate-keys'], env);
      expect(rotated.stderr).toBe('');
      expect(rotated.stdout).toMatch(/^Published ES256 key \S+; it signs from \S+\.\nPublished RS256 key/);
      expect(rotated.stdout).toContain('Running servers publish them within a minute.');
      // In the provider's store, sealed under the data folder's pepper: the first keys and the new.
      const store = openOidcStore(join(dir, 'oidc.sqlite'));
      try {
        const secrets = createSecretHasher(loadPepper(null, dir));
        const { keys } = await loadSigningKeys(signingKeysPlace(store, dir, secrets, 'default'), new Date());
        expect(keys.map((key) => key.alg)).toEqual(['ES256', 'RS256', 'ES256', 'RS256']);
      } finally {
        await store.close();
      }
      const unknown = await runCli(['oidc', 'rotate-keys', '--business', 'nobody'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/there is no business nobody/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
