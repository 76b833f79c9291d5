import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBusinessId } from '../domain/business.ts';
import {
  publishedKeys,
  signingAlgorithms,
  type KeyPolicy,
  type KeyRecord,
  type SigningAlgorithm,
} from './key-schedule.ts';

/**
 * Each business's signing keys live in one owner-only JSON file in the data folder, never in the
 * log: whoever reads the log must not be able to sign tokens.
 */
export const signingKeysFile = (dataDir: string, businessId: string): string =>
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

function readKeys(file: string): KeyRecord[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: KeyRecord[] };
  if (!Array.isArray(parsed.keys)) throw new Error(`${file} holds no signing keys; restore it from a backup`);
  return parsed.keys;
}

function writeKeys(file: string, keys: readonly KeyRecord[]): void {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** The business's keys; on first start one ES256 and one RS256 key are made, signing at once. */
export function loadSigningKeys(dataDir: string, businessId: string, now: Date): KeyRecord[] {
  const file = signingKeysFile(dataDir, businessId);
  if (existsSync(file)) return readKeys(file);
  const keys = signingAlgorithms.map((alg) => generateSigningKey(alg, now, now));
  try {
    writeFileSync(file, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another instance made them first: use its keys.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readKeys(file);
}

/**
 * Adds a new key of each algorithm, published from now and signing after the grace period, and
 * drops keys no token can still need (those no longer published).
 */
export function rotateSigningKeys(dataDir: string, businessId: string, now: Date, policy: KeyPolicy): KeyRecord[] {
  const current = loadSigningKeys(dataDir, businessId, now);
  const signsFrom = new Date(now.getTime() + policy.graceSeconds * 1000);
  const added = signingAlgorithms.map((alg) => generateSigningKey(alg, now, signsFrom));
  const keys = [...publishedKeys(current, now, policy), ...added];
  writeKeys(signingKeysFile(dataDir, businessId), keys);
  return added;
}

/** The private JWKS to hand to oidc-provider at `now`: the signing key of each algorithm first. */
export function providerJwks(keys: readonly KeyRecord[], now: Date, policy: KeyPolicy): { keys: object[] } {
  return { keys: publishedKeys(keys, now, policy).map((key) => ({ ...key.jwk })) };
}
