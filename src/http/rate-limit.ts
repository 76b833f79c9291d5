import type { Context, MiddlewareHandler } from 'hono';
import type { Clock } from '../app/clock.ts';

export interface TokenBucketOptions {
  /** Requests allowed at once, and refilled over one minute. */
  readonly perMinute: number;
  readonly clock: Clock;
  /** Buckets kept at most; the longest-idle ones go first, so a flood of addresses cannot grow memory. */
  readonly maxKeys?: number;
}

export interface TokenBuckets {
  /** Takes one token; returns 0 when allowed, else the seconds until one is free. */
  take(key: string): number;
}

/** In-memory, per process: a limit for one instance, not a cluster-wide quota. */
export function createTokenBuckets({ perMinute, clock, maxKeys = 50_000 }: TokenBucketOptions): TokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillPerMs = perMinute / 60_000;
  return {
    take(key) {
      const now = clock.now().getTime();
      const previous = buckets.get(key);
      const tokens = previous ? Math.min(perMinute, previous.tokens + (now - previous.at) * refillPerMs) : perMinute;
      buckets.delete(key);
      if (tokens < 1) {
        buckets.set(key, { tokens, at: now });
        return Math.ceil((1 - tokens) / refillPerMs / 1000);
      }
      buckets.set(key, { tokens: tokens - 1, at: now });
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      return 0;
    },
  };
}

export interface IpRateLimitOptions {
  readonly buckets: TokenBuckets;
  readonly clientIp: (c: Context) => string;
  readonly onLimited: (c: Context, retryAfterSeconds: number) => Response | Promise<Response>;
  /** Only these methods spend tokens: by default, the ones that change something. */
  readonly methods?: readonly string[];
}

export function ipRateLimit({
  buckets,
  clientIp,
  onLimited,
  methods = ['POST', 'PUT', 'PATCH', 'DELETE'],
}: IpRateLimitOptions): MiddlewareHandler {
  return async function ipRateLimit(c, next) {
    if (!methods.includes(c.req.method)) return next();
    const retryAfterSeconds = buckets.take(clientIp(c));
    if (retryAfterSeconds > 0) return onLimited(c, retryAfterSeconds);
    return next();
  };
}
