import { createCipheriv, createDecipheriv, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBusinessId } from '../domain/business.ts';
import {
  publishedKeys,
  signingAlgorithms,
  type KeyPolicy,
  type KeyRecord,
  type SigningAlgorithm,
} from './key-schedule.ts';
import type { SecretHasher } from '../app/secrets.ts';
import type { OidcStore } from './store.ts';

/**
 * Each business's signing keys live in the provider's store (one row, `OidcStore.readSigningKeys`),
 * sealed with AES-256-GCM under a key derived from the pepper: every instance on a shared store
 * signs with the same keys, and whoever reads the store (or the log) cannot sign tokens.
 */
export interface KeySealer {
  seal(keys: readonly KeyRecord[]): string;
  open(sealed: string): KeyRecord[];
}

const sealVersion = 'v1';

/** The sealer of one business's keys: its key is the pepper's, and the sealed text names the business. */
export function keySealerFor(secrets: SecretHasher, businessId: string): KeySealer {
  const key = Buffer.from(secrets.sign('oidc-signing-keys', businessId), 'base64url');
  const aad = Buffer.from(`latchkey oidc signing keys\u0000${businessId}`);
  return {
    seal(keys) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
      const sealed = Buffer.concat([cipher.update(JSON.stringify({ keys }), 'utf8'), cipher.final()]);
      return [sealVersion, iv, cipher.getAuthTag(), sealed]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(text) {
      const [version, iv, tag, sealed] = text.split('.');
      if (version !== sealVersion || !iv || !tag || !sealed)
        throw new SigningKeysUnreadableError(businessId, 'they are not in a form this Latchkey reads');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(aad);
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const json = Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
        return keysOf(JSON.parse(json));
      } catch (error) {
        if (error instanceof SigningKeysUnreadableError) throw error;
        throw new SigningKeysUnreadableError(businessId, 'they were sealed with another pepper, or changed');
      }
    },
  };
}

export class SigningKeysUnreadableError extends Error {
  override readonly name = 'SigningKeysUnreadableError';
  constructor(businessId: string, why: string) {
    super(
      `the signing keys of business ${businessId} in the provider's store cannot be opened: ${why}. Start with the deployment's pepper, or restore the store from a backup`,
    );
  }
}

function keysOf(parsed: unknown): KeyRecord[] {
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('no signing keys');
  return keys as KeyRecord[];
}

/** Where keys were kept before they moved into the store: read once, to carry them over. */
export const legacySigningKeysFile = (dataDir: string, businessId: string): string =>
  join(dataDir, businessId === defaultBusinessId ? 'oidc-keys.json' : `oidc-keys-${businessId}.json`);

export function generateSigningKey(alg: SigningAlgorithm, now: Date, signsFrom: Date): KeyRecord {
  const kid = randomBytes(12).toString('base64url');
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { kid, alg, jwk, createdAt: now.toISOString(), signsFrom: signsFrom.toISOString() };
}

export interface SigningKeysPlace {
  readonly store: OidcStore;
  readonly sealer: KeySealer;
  readonly businessId: string;
  /** A key file from before keys were kept in the store: its keys are carried over at first load. */
  readonly legacyFile?: string;
}

/** Where a business's signing keys are kept: the provider's store, sealed under the pepper. */
export function signingKeysPlace(
  store: OidcStore,
  dataDir: string,
  secrets: SecretHasher,
  businessId: string,
): SigningKeysPlace {
  return {
    store,
    sealer: keySealerFor(secrets, businessId),
    businessId,
    legacyFile: legacySigningKeysFile(dataDir, businessId),
  };
}

/** A business's keys, and the sealed value they were read from (what a rotation must replace). */
export interface StoredSigningKeys {
  readonly keys: KeyRecord[];
  readonly sealed: string;
}

/**
 * The business's keys. The first load makes them (one ES256 and one RS256 key, signing at once),
 * or carries over a key file of an earlier version; when instances start together, the first to
 * store its keys wins and the others use those.
 */
export async function loadSigningKeys(place: SigningKeysPlace, now: Date): Promise<StoredSigningKeys> {
  const stored = await place.store.readSigningKeys(place.businessId);
  if (stored !== null) return { keys: place.sealer.open(stored), sealed: stored };
  const keys =
    place.legacyFile && existsSync(place.legacyFile)
      ? keysOf(JSON.parse(readFileSync(place.legacyFile, 'utf8')))
      : signingAlgorithms.map((alg) => generateSigningKey(alg, now, now));
  const sealed = place.sealer.seal(keys);
  if (await place.store.writeSigningKeys(place.businessId, sealed, null)) return { keys, sealed };
  return loadSigningKeys(place, now);
}

/**
 * Adds a new key of each algorithm, published from now and signing after the grace period, and
 * drops keys no token can still need (those no longer published). A rotation that meets another
 * at the same moment starts again from the keys that one stored.
 */
export async function rotateSigningKeys(place: SigningKeysPlace, now: Date, policy: KeyPolicy): Promise<KeyRecord[]> {
  for (;;) {
    const current = await loadSigningKeys(place, now);
    const signsFrom = new Date(now.getTime() + policy.graceSeconds * 1000);
    const added = signingAlgorithms.map((alg) => generateSigningKey(alg, now, signsFrom));
    const keys = [...publishedKeys(current.keys, now, policy), ...added];
    if (await place.store.writeSigningKeys(place.businessId, place.sealer.seal(keys), current.sealed)) return added;
  }
}

/** The private JWKS to hand to oidc-provider at `now`: the signing key of each algorithm first. */
export function providerJwks(keys: readonly KeyRecord[], now: Date, policy: KeyPolicy): { keys: object[] } {
  return { keys: publishedKeys(keys, now, policy).map((key) => ({ ...key.jwk })) };
}
