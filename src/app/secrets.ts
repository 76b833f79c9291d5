import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { generateTempPassword } from '../domain/temp-password.ts';

/**
 * Generated secrets (temporary passwords, reset tokens) carry at least 64 bits of entropy, so a
 * keyed HMAC under the server-held pepper is enough to make their stored hashes useless to a
 * thief of the log; slow hashing is kept for what people choose.
 */
export interface SecretHasher {
  hashSecret(secret: string): string;
  verifySecret(secret: string, expectedHash: string): boolean;
  /** A keyed hash for identifiers that must never be logged raw (unknown user names). */
  fingerprint(value: string): string;
  /** A keyed signature (base64url) of a value handed to a browser, such as a device cookie. */
  sign(purpose: string, value: string): string;
  verifySignature(purpose: string, value: string, signature: string): boolean;
}

export function createSecretHasher(pepper: Buffer): SecretHasher {
  const mac = (purpose: string, value: string) =>
    createHmac('sha256', pepper).update(purpose).update('\u0000').update(value).digest('hex');
  return {
    hashSecret: (secret) => mac('secret', secret),
    verifySecret(secret, expectedHash) {
      const actual = Buffer.from(mac('secret', secret), 'hex');
      const expected = Buffer.from(expectedHash, 'hex');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    fingerprint: (value) => mac('fingerprint', value).slice(0, 32),
    sign: (purpose, value) => Buffer.from(mac(`signature:${purpose}`, value), 'hex').toString('base64url'),
    verifySignature(purpose, value, signature) {
      const actual = Buffer.from(mac(`signature:${purpose}`, value), 'hex');
      const expected = Buffer.from(signature, 'base64url');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

export interface MintedTempPassword {
  readonly tempPasswordId: string;
  readonly password: string;
  readonly secretHash: string;
}

export function mintTempPassword(hasher: SecretHasher, tempPasswordId: string): MintedTempPassword {
  const password = generateTempPassword((max) => randomInt(max));
  return { tempPasswordId, password, secretHash: hasher.hashSecret(password) };
}

/** Reset tokens are `<id>.<secret>`: the id finds the link, only the secret's hash is kept. */
export interface MintedResetToken {
  readonly tokenId: string;
  readonly token: string;
  readonly secretHash: string;
}

export function mintResetToken(hasher: SecretHasher): MintedResetToken {
  const tokenId = randomBytes(12).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { tokenId, token: `${tokenId}.${secret}`, secretHash: hasher.hashSecret(secret) };
}

export function parseResetToken(token: string): { tokenId: string; secret: string } | null {
  const match = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { tokenId: match[1]!, secret: match[2]! } : null;
}
