import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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

  it("finds an account's unexpired sessions in its business only, and a file made before the column gains it", async () => {
    const sessions = new (store.adapterFor('default'))('Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', accountId: 'C1' }, 60);
    await sessions.upsert('s2', { jti: 's2', uid: 'u2', accountId: 'C1' }, 60);
    await sessions.upsert('s3', { jti: 's3', uid: 'u3', accountId: 'C2' }, 60);
    await sessions.upsert('s4', { jti: 's4', uid: 'u4', accountId: 'C1' }, -1);
    await new (store.adapterFor('happypaws'))('Session').upsert('s5', { jti: 's5', uid: 'u5', accountId: 'C1' }, 60);
    // Not a session: a grant's accountId is not looked up.
    await new (store.adapterFor('default'))('Grant').upsert('g1', { jti: 'g1', accountId: 'C1' }, 60);
    const found = await store.sessionsOfAccount('default', 'C1');
    expect(found.map((session) => session.jti).sort()).toEqual(['s1', 's2']);
    await sessions.destroy('s1');
    expect((await store.sessionsOfAccount('default', 'C1')).map((session) => session.jti)).toEqual(['s2']);
    expect(await store.sessionsOfAccount('happypaws', 'C2')).toEqual([]);

    store.close();
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE oidc_models (business_id TEXT NOT NULL, model TEXT NOT NULL, id_hash TEXT NOT NULL,
      payload TEXT NOT NULL, expires_at INTEGER, consumed INTEGER, grant_id TEXT, uid_hash TEXT, user_code_hash TEXT,
      PRIMARY KEY (business_id, model, id_hash))`);
    old.close();
    store = openOidcStore(file);
    await new (store.adapterFor('default'))('Session').upsert('s6', { jti: 's6', uid: 'u6', accountId: 'C1' }, 60);
    expect((await store.sessionsOfAccount('default', 'C1')).map((session) => session.jti)).toEqual(['s6']);
  });
});
