import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishedKeys, signingKey, type KeyPolicy } from '../../src/oidc/key-schedule.ts';
import { loadSigningKeys, providerJwks, rotateSigningKeys, signingKeysFile } from '../../src/oidc/signing-keys.ts';

const policy: KeyPolicy = { graceSeconds: 3_600, signedTokenTtlSeconds: 600 };
const at = (iso: string) => new Date(iso);
const start = at('2026-03-03T10:00:00.000Z');

describe('signing keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-oidc-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are made on first start, one ES256 and one RS256, in an owner-only file, and kept across starts', () => {
    const first = loadSigningKeys(dir, 'default', start);
    expect(first.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    expect(statSync(signingKeysFile(dir, 'default')).mode & 0o777).toBe(0o600);
    expect(loadSigningKeys(dir, 'default', at('2026-03-04T00:00:00.000Z'))).toEqual(first);
    expect(signingKeysFile(dir, 'happypaws')).toMatch(/oidc-keys-happypaws\.json$/);
    expect(loadSigningKeys(dir, 'happypaws', start)[0]!.kid).not.toBe(first[0]!.kid);
  });

  it('a rotated key is published at once, signs after the grace period, and the old key goes once its tokens expired', () => {
    const [oldEs] = loadSigningKeys(dir, 'default', start);
    const rotatedAt = at('2026-03-03T12:00:00.000Z');
    const [newEs] = rotateSigningKeys(dir, 'default', rotatedAt, policy);
    const keys = loadSigningKeys(dir, 'default', rotatedAt);
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

  it('a rotation drops keys no token can still need from the file', () => {
    const [oldEs] = loadSigningKeys(dir, 'default', start);
    rotateSigningKeys(dir, 'default', at('2026-03-03T12:00:00.000Z'), policy);
    rotateSigningKeys(dir, 'default', at('2026-03-04T12:00:00.000Z'), policy);
    const kids = loadSigningKeys(dir, 'default', start).map((key) => key.kid);
    expect(kids).toHaveLength(4);
    expect(kids).not.toContain(oldEs!.kid);
  });

  it('the JWKS handed to the provider holds private keys marked for signing', () => {
    const jwks = providerJwks(loadSigningKeys(dir, 'default', start), start, policy);
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) expect(key).toMatchObject({ use: 'sig', d: expect.any(String) });
  });
});
