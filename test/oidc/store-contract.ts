import { describe, expect, it } from 'vitest';
import type { OidcStore } from '../../src/oidc/store.ts';

export interface OpenedStore {
  readonly store: OidcStore;
  /** A second store on the same rows, as a second instance of the deployment opens it. */
  openAnother(): Promise<OidcStore>;
  /** Every byte the store keeps, to look for a code in. */
  contents(): Promise<string>;
  dispose(): Promise<void>;
}

/** What every provider store must do, whatever it keeps its rows in. */
export function testOidcStore(name: string, open: () => Promise<OpenedStore>): void {
  const withStore = (test: (opened: OpenedStore) => Promise<void>) => async () => {
    const opened = await open();
    try {
      await test(opened);
    } finally {
      await opened.dispose();
    }
  };

  describe(`the provider store on ${name}`, () => {
    it(
      'keeps sealed signing keys per business, written only over what the writer last read, at any instance',
      withStore(async ({ store, openAnother }) => {
        const other = await openAnother();
        try {
          expect(await store.readSigningKeys('default')).toBeNull();
          expect(await store.writeSigningKeys('default', 'sealed-1', null)).toBe(true);
          // A second first write (an instance starting at the same moment) does not land.
          expect(await other.writeSigningKeys('default', 'sealed-other', null)).toBe(false);
          expect(await other.readSigningKeys('default')).toBe('sealed-1');
          expect(await other.writeSigningKeys('default', 'sealed-2', 'sealed-1')).toBe(true);
          // A rotation that read the old value comes second, and is refused.
          expect(await store.writeSigningKeys('default', 'sealed-3', 'sealed-1')).toBe(false);
          expect(await store.readSigningKeys('default')).toBe('sealed-2');
          expect(await store.readSigningKeys('happypaws')).toBeNull();
          // Never swept: the keys do not expire.
          await store.sweep(new Date(Date.now() + 10 * 365 * 86_400_000));
          expect(await store.readSigningKeys('default')).toBe('sealed-2');
        } finally {
          await other.close();
        }
      }),
    );

    it(
      'finds a code by its id, marks it consumed once, and keeps only a hash of the id',
      withStore(async ({ store, contents }) => {
        const codes = new (store.adapterFor('default'))('AuthorizationCode');
        const code = 'a-secret-authorization-code-0123456789';
        await codes.upsert(code, { jti: code, grantId: 'g1', kind: 'AuthorizationCode' }, 60);
        expect(await codes.find(code)).toMatchObject({ jti: code, grantId: 'g1' });
        expect(await codes.find(code)).not.toHaveProperty('consumed');
        expect(await codes.consumeOnce(code)).toBe(true);
        expect(await codes.find(code)).toMatchObject({ consumed: expect.any(Number) });
        expect(await codes.consumeOnce(code)).toBe(false);
        expect(await contents()).not.toContain(code);
      }),
    );

    it(
      'keeps businesses apart, revokes by grant, and never serves or keeps an expired row',
      withStore(async ({ store }) => {
        const tokens = new (store.adapterFor('default'))('AccessToken');
        await tokens.upsert('t1', { grantId: 'g1' }, 60);
        await tokens.upsert('t2', { grantId: 'g2' }, 60);
        await tokens.upsert('t3', { grantId: 'g3' }, -1);
        expect(await new (store.adapterFor('happypaws'))('AccessToken').find('t1')).toBeUndefined();
        await new (store.adapterFor('happypaws'))('AccessToken').revokeByGrantId('g2');
        await tokens.revokeByGrantId('g1');
        expect(await tokens.find('t1')).toBeUndefined();
        expect(await tokens.find('t2')).toMatchObject({ jti: 't2' });
        expect(await tokens.find('t3')).toBeUndefined();
        expect(await store.sweep()).toBe(1);
        expect(await store.sweep()).toBe(0);
      }),
    );

    it(
      "finds a session by its uid, with its id, and a client's sessions by the client",
      withStore(async ({ store }) => {
        const sessions = new (store.adapterFor('default'))('Session');
        await sessions.upsert('s1', { jti: 's1', uid: 'u1', accountId: 'C1001' }, 60);
        await sessions.upsert('s2', { jti: 's2', uid: 'u2', accountId: 'C1001' }, 60);
        await sessions.upsert('s3', { jti: 's3', uid: 'u3', accountId: 'C1002' }, 60);
        await sessions.upsert('s4', { jti: 's4', uid: 'u4', accountId: 'C1001' }, -1);
        await new (store.adapterFor('happypaws'))('Session').upsert('s5', { jti: 's5', accountId: 'C1001' }, 60);
        expect(await sessions.findByUid('u1')).toMatchObject({ jti: 's1', accountId: 'C1001' });
        const ids = async () => (await store.sessionsOfAccount('default', 'C1001')).map((s) => s.jti).sort();
        expect(await ids()).toEqual(['s1', 's2']);
        await sessions.destroy('s1');
        expect(await sessions.findByUid('u1')).toBeUndefined();
        expect(await ids()).toEqual(['s2']);
      }),
    );

    it(
      "shares its rows with a second instance's store, and a code is consumed once between them",
      withStore(async ({ store, openAnother }) => {
        const other = await openAnother();
        try {
          const here = new (store.adapterFor('default'))('AuthorizationCode');
          const there = new (other.adapterFor('default'))('AuthorizationCode');
          await here.upsert('c1', { grantId: 'g1' }, 60);
          expect(await there.find('c1')).toMatchObject({ jti: 'c1', grantId: 'g1' });
          const uses = await Promise.all([here.consumeOnce('c1'), there.consumeOnce('c1')]);
          expect(uses.sort()).toEqual([false, true]);
        } finally {
          await other.close();
        }
      }),
    );
  });
}
