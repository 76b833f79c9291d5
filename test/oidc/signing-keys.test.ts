import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretHasher } from '../../src/app/secrets.ts';
import { publishedKeys, signingKey, type KeyPolicy } from '../../src/oidc/key-schedule.ts';
import {
  generateSigningKey,
  legacySigningKeysFile,
  loadSigningKeys,
  providerJwks,
  rotateSigningKeys,
  signingKeysPlace,
  SigningKeysUnreadableError,
} from '../../src/oidc/signing-keys.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';

const policy: KeyPolicy = { graceSeconds: 3_600, signedTokenTtlSeconds: 600 };
const at = (iso: string) => new Date(iso);
const start = at('2026-03-03T10:00:00.000Z');

describe('signing keys', () => {
  let dir: string;
  let store: OidcStore;
  const secrets = createSecretHasher(randomBytes(32));
  const place = (businessId = 'default', hasher = secrets) => signingKeysPlace(store, dir, hasher, businessId);
  const keysAt = async (...args: Parameters<typeof loadSigningKeys>) => (await loadSigningKeys(...args)).keys;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-oidc-keys-'));
    store = openOidcStore(join(dir, 'oidc.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are made on first load, one ES256 and one RS256, kept in the store sealed, and the same at every load', async () => {
    const first = await keysAt(place(), start);
    expect(first.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    expect(await keysAt(place(), at('2026-03-04T00:00:00.000Z'))).toEqual(first);
    const sealed = (await store.readSigningKeys('default'))!;
    // No private part (nor any key material) is readable in the store.
    for (const key of first) {
      expect(sealed).not.toContain(String((key.jwk as { d: string }).d));
      expect(sealed).not.toContain(key.kid);
    }
    expect((await keysAt(place('happypaws'), start))[0]!.kid).not.toBe(first[0]!.kid);
  });

  it('instances loading at once all end up with the keys the first one stored', async () => {
    const loaded = await Promise.all(Array.from({ length: 5 }, () => keysAt(place(), start)));
    for (const keys of loaded) expect(keys).toEqual(loaded[0]);
  });

  it('a key file from before keys lived in the store is carried over at first load', async () => {
    const keys = [generateSigningKey('ES256', start, start), generateSigningKey('RS256', start, start)];
    writeFileSync(legacySigningKeysFile(dir, 'default'), JSON.stringify({ keys }), { mode: 0o600 });
    expect(await keysAt(place(), start)).toEqual(keys);
    expect(await store.readSigningKeys('default')).not.toBeNull();
  });

  it('keys sealed under another pepper, or for another business, are refused with a message saying so', async () => {
    await keysAt(place(), start);
    const otherPepper = createSecretHasher(randomBytes(32));
    await expect(keysAt(place('default', otherPepper), start)).rejects.toThrow(SigningKeysUnreadableError);
    await expect(keysAt(place('default', otherPepper), start)).rejects.toThrow(/another pepper/);
    // The sealed text is bound to its business: copied to another, it does not open.
    await store.writeSigningKeys('happypaws', (await store.readSigningKeys('default'))!, null);
    await expect(keysAt(place('happypaws'), start)).rejects.toThrow(SigningKeysUnreadableError);
  });

  it('a rotated key is published at once, signs after the grace period, and the old key goes once its tokens expired', async () => {
    const [oldEs] = await keysAt(place(), start);
    const rotatedAt = at('2026-03-03T12:00:00.000Z');
    const [newEs] = await rotateSigningKeys(place(), rotatedAt, policy);
    const keys = await keysAt(place(), rotatedAt);
    const kidsAt = (iso: string) => publishedKeys(keys, at(iso), policy).map((key) => key.kid);

    // Published at once, but the old key still signs during the grace period.
    expect(kidsAt('2026-03-03T12:00:00.000Z')).toContain(newEs!.kid);
    expect(signingKey(keys, 'ES256', at('2026-03-03T12:59:59.000Z'))!.kid).toBe(oldEs!.kid);
    // After the grace period the new key signs, and comes first in the JWKS.
    expect(signingKey(keys, 'ES256', at('2026-03-03T13:00:00.000Z'))!.kid).toBe(newEs!.kid);
    expect(kidsAt('2026-03-03T13:00:00.000Z')[0]).toBe(newEs!.kid);
    // The old key stays while a token it signed may live, then leaves the JWKS.
    expect(kidsAt('2026-03-03T13:09:59.000Z')).toContain(oldEs!.kid);
    expect(kidsAt('2026-03-03T13:10:00.000Z')).not.toContain(oldEs!.kid);
    expect(kidsAt('2026-03-03T13:10:00.000Z')).toHaveLength(2);
  });

  it('a rotation drops keys no token can still need, and two rotations at once both land', async () => {
    const [oldEs] = await keysAt(place(), start);
    await rotateSigningKeys(place(), at('2026-03-03T12:00:00.000Z'), policy);
    await rotateSigningKeys(place(), at('2026-03-04T12:00:00.000Z'), policy);
    const kids = (await keysAt(place(), start)).map((key) => key.kid);
    expect(kids).toHaveLength(4);
    expect(kids).not.toContain(oldEs!.kid);

    const rotatedAt = at('2026-03-05T12:00:00.000Z');
    const [a, b] = await Promise.all([
      rotateSigningKeys(place(), rotatedAt, policy),
      rotateSigningKeys(place(), rotatedAt, policy),
    ]);
    const after = (await keysAt(place(), rotatedAt)).map((key) => key.kid);
    for (const added of [...a!, ...b!]) expect(after).toContain(added.kid);
  });

  it('the JWKS handed to the provider holds private keys marked for signing', async () => {
    const jwks = providerJwks(await keysAt(place(), start), start, policy);
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) expect(key).toMatchObject({ use: 'sig', d: expect.any(String) });
  });
});
