import { describe, expect, it } from 'vitest';
import { decideMailRetry, defaultMailRetryPolicy } from '../../src/domain/mail-retry.ts';

const requestedAt = '2026-03-03T14:00:00.000Z';
const waitSeconds = (attempts: number, random: number, retryAfterSeconds: number | null = null, now = requestedAt) => {
  const decision = decideMailRetry({
    policy: defaultMailRetryPolicy,
    attempts,
    requestedAt,
    now: new Date(now),
    retryAfterSeconds,
    random,
  });
  return decision.retry ? (Date.parse(decision.retryAt) - Date.parse(now)) / 1000 : null;
};

describe('when a failed email is tried again', () => {
  it('backs off exponentially, half of each wait random', () => {
    expect([1, 2, 3, 4].map((attempts) => waitSeconds(attempts, 0))).toEqual([5, 10, 20, 40]);
    expect([1, 2, 3, 4].map((attempts) => waitSeconds(attempts, 0.999999))).toEqual([
      expect.closeTo(10, 2),
      expect.closeTo(20, 2),
      expect.closeTo(40, 2),
      expect.closeTo(80, 2),
    ]);
  });

  it('never waits more than the longest step between two attempts', () => {
    expect(waitSeconds(30, 0.999999)).toBeCloseTo(3600, 0);
  });

  it("waits at least as long as the provider's Retry-After", () => {
    expect(waitSeconds(1, 0, 900)).toBe(900);
    expect(waitSeconds(6, 0, 1)).toBe(160);
  });

  it('gives up once the next try would fall after the retry window', () => {
    expect(waitSeconds(5, 0, null, '2026-03-04T13:59:00.000Z')).toBeNull();
    expect(waitSeconds(1, 0, 25 * 3600)).toBeNull();
    expect(waitSeconds(1, 0, null, '2026-03-04T13:59:00.000Z')).toBe(5);
  });
});
