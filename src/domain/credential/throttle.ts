import type { Login } from './state.ts';

export interface ThrottlePolicy {
  /** Consecutive failures allowed before any delay. */
  readonly freeFailures: number;
  readonly baseDelaySeconds: number;
  /** The delay doubles per failure up to this; there is never a permanent lock. */
  readonly maxDelaySeconds: number;
}

export const defaultThrottlePolicy: ThrottlePolicy = { freeFailures: 5, baseDelaySeconds: 2, maxDelaySeconds: 15 * 60 };

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
