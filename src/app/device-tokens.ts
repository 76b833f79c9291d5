import { randomBytes } from 'node:crypto';
import type { SecretHasher } from './secrets.ts';

/**
 * Device cookies (OWASP's "slow down online guessing with device cookies"): a browser that once
 * signed in to a login carries `<deviceId>.<issuedAt>.<signature>`, the signature keyed by the
 * server's pepper over the client id, the device id and the time. Nothing about the token is
 * stored: the signature proves it, and the log holds only a keyed fingerprint of the device id
 * (to count that device's failures), never the token.
 */
export const deviceTokenMaxAgeSeconds = 365 * 24 * 3600;

const signaturePurpose = 'device-cookie';

export interface MintedDeviceToken {
  readonly token: string;
  readonly deviceFingerprint: string;
}

export function mintDeviceToken(secrets: SecretHasher, clientId: string, now: Date): MintedDeviceToken {
  const deviceId = randomBytes(16).toString('base64url');
  const issuedAt = String(Math.floor(now.getTime() / 1000));
  const signature = secrets.sign(signaturePurpose, signedPayload(clientId, deviceId, issuedAt));
  return { token: `${deviceId}.${issuedAt}.${signature}`, deviceFingerprint: deviceFingerprintOf(secrets, deviceId) };
}

/**
 * The fingerprint of the device a token proves for this client, or null: a token of another
 * login, a forged or altered one and one past its age all read as no device.
 */
export function verifyDeviceToken(
  secrets: SecretHasher,
  token: string | undefined,
  clientId: string,
  now: Date,
): string | null {
  const match = token ? /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
  if (!match) return null;
  const [, deviceId = '', issuedAt = '', signature = ''] = match;
  const ageSeconds = now.getTime() / 1000 - Number(issuedAt);
  if (ageSeconds < -60 || ageSeconds > deviceTokenMaxAgeSeconds) return null;
  if (!secrets.verifySignature(signaturePurpose, signedPayload(clientId, deviceId, issuedAt), signature)) return null;
  return deviceFingerprintOf(secrets, deviceId);
}

function signedPayload(clientId: string, deviceId: string, issuedAt: string): string {
  return `${clientId}\u0000${deviceId}\u0000${issuedAt}`;
}

function deviceFingerprintOf(secrets: SecretHasher, deviceId: string): string {
  return secrets.fingerprint(`device:${deviceId}`);
}
