/**
 * When to try a failed send again, as mail systems do: exponential backoff with jitter from a
 * first delay, each wait capped, for at most a retry window measured from the request; a
 * provider's Retry-After is honoured (never retried sooner). Pure: the time and the random
 * draw come in as arguments.
 */
export interface MailRetryPolicy {
  readonly firstDelaySeconds: number;
  /** The longest single wait between two attempts. */
  readonly maxDelaySeconds: number;
  /** After this long since the request, the relay gives up and records the failure. */
  readonly windowSeconds: number;
}

export const defaultMailRetryPolicy: MailRetryPolicy = {
  firstDelaySeconds: 10,
  maxDelaySeconds: 60 * 60,
  windowSeconds: 24 * 60 * 60,
};

export type RetryDecision = { readonly retry: true; readonly retryAt: string } | { readonly retry: false };

export function decideMailRetry(input: {
  readonly policy: MailRetryPolicy;
  /** Attempts made so far, the one that just failed included. */
  readonly attempts: number;
  readonly requestedAt: string;
  readonly now: Date;
  readonly retryAfterSeconds: number | null;
  /** A number in [0, 1). */
  readonly random: number;
}): RetryDecision {
  const { policy, attempts, now } = input;
  const backoff = Math.min(policy.maxDelaySeconds, policy.firstDelaySeconds * 2 ** Math.max(0, attempts - 1));
  // "Equal jitter": half the backoff fixed, half random, so retries of many emails spread out
  // without any of them coming back almost at once.
  const jittered = backoff / 2 + (backoff / 2) * input.random;
  const delaySeconds = Math.max(jittered, input.retryAfterSeconds ?? 0);
  const retryAt = now.getTime() + delaySeconds * 1000;
  const deadline = Date.parse(input.requestedAt) + policy.windowSeconds * 1000;
  if (retryAt > deadline) return { retry: false };
  return { retry: true, retryAt: new Date(retryAt).toISOString() };
}
