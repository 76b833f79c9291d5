import type { Login } from './state.ts';

export interface ThrottlePolicy {
  /** Consecutive failures allowed before any delay. */
  readonly freeFailures: number;
  readonly baseDelaySeconds: number;
  /** The delay doubles per failure up to this; there is never a permanent lock. */
  readonly maxDelaySeconds: number;
  /** Wrong tries a browser with a device cookie may make before that cookie stops bypassing the backoff. */
  readonly deviceFailures: number;
}

export const defaultThrottlePolicy: ThrottlePolicy = {
  freeFailures: 5,
  baseDelaySeconds: 2,
  maxDelaySeconds: 15 * 60,
  deviceFailures: 5,
};

/**
 * When the account accepts its next attempt, or null if it accepts one now. Attempts refused
 * while throttled are recorded without counting, so hammering does not extend the backoff.
 */
export function loginThrottledUntil(login: Login, policy: ThrottlePolicy, now: Date): Date | null {
  const excess = login.consecutiveFailures - policy.freeFailures;
  if (excess < 0 || login.lastFailureAt === null) return null;
  const delaySeconds = Math.min(policy.baseDelaySeconds * 2 ** excess, policy.maxDelaySeconds);
  const until = new Date(Date.parse(login.lastFailureAt) + delaySeconds * 1000);
  return until > now ? until : null;
}

/**
 * Whether a device cookie still lets its browser past the account-wide backoff. Each device has
 * its own small budget of wrong tries; once spent, that cookie is ignored (the browser waits like
 * any other) until a login with the right password gives it a new one.
 */
export function isDeviceTrusted(login: Login, deviceFingerprint: string | null, policy: ThrottlePolicy): boolean {
  return deviceFingerprint !== null && (login.deviceFailures[deviceFingerprint] ?? 0) < policy.deviceFailures;
}
