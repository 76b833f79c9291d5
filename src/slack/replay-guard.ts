export interface ReplayGuard {
  /** True the first time a key is seen within the window; false for a replay. */
  firstSighting(key: string, nowMs: number): boolean;
}

/**
 * Remembers recently seen request keys (signatures, Slack event ids) in memory. A signed request
 * is only accepted within five minutes of its timestamp, so a key needs keeping for twice that
 * to cover every moment a replay could still pass the clock check. The map is bounded: if more
 * than `maxEntries` requests arrive within the window, the oldest keys are forgotten first. It
 * is per process; state changes are also idempotent by command ids derived from Slack's own ids,
 * which holds across restarts and instances.
 */
export function createReplayGuard({ windowMs = 10 * 60 * 1000, maxEntries = 50_000 } = {}): ReplayGuard {
  const expiries = new Map<string, number>();
  return {
    firstSighting(key, nowMs) {
      for (const [oldKey, expiresAt] of expiries) {
        if (expiresAt > nowMs && expiries.size < maxEntries) break;
        expiries.delete(oldKey);
      }
      if (expiries.has(key)) return false;
      expiries.set(key, nowMs + windowMs);
      return true;
    },
  };
}
