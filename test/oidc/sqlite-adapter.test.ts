import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';

describe('the provider store on SQLite', () => {
  let dir: string;
  let store: OidcStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-oidc-store-'));
    store = openOidcStore(join(dir, 'oidc.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a code by its id, marks it consumed, and keeps only a hash of the id in the file', async () => {
    const Adapter = store.adapterFor('default');
    const codes = new Adapter('AuthorizationCode');
    const code = 'a-secret-authorization-code-0123456789';
    await codes.upsert(code, { jti: code, grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    expect(await codes.find(code)).toMatchObject({ jti: code, grantId: 'g1' });
    await codes.consume(code);
    expect(await codes.find(code)).toMatchObject({ consumed: expect.any(Number) });
    store.close();
    expect(readFileSync(join(dir, 'oidc.sqlite')).toString('latin1')).not.toContain(code);
    store = openOidcStore(join(dir, 'oidc.sqlite'));
  });

  it('keeps businesses apart, revokes by grant, and never serves or keeps an expired row', async () => {
    const Adapter = store.adapterFor('default');
    const Other = store.adapterFor('happypaws');
    const tokens = new Adapter('AccessToken');
    await tokens.upsert('t1', { grantId: 'g1' }, 60);
    await tokens.upsert('t2', { grantId: 'g2' }, 60);
    await tokens.upsert('t3', { grantId: 'g3' }, -1);
    expect(await new Other('AccessToken').find('t1')).toBeUndefined();
    await tokens.revokeByGrantId('g1');
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await tokens.find('t2')).toMatchObject({ jti: 't2' });
    expect(await tokens.find('t3')).toBeUndefined();
    expect(store.sweep()).toBe(1);
  });

  it('finds a session by its uid, with its id', async () => {
    const sessions = new (store.adapterFor('default'))('Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', accountId: 'C1001' }, 60);
    expect(await sessions.findByUid('u1')).toMatchObject({ jti: 's1', accountId: 'C1001' });
    await sessions.destroy('s1');
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });
});
