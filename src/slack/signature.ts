import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const signatureWindowSeconds = 5 * 60;

export type SlackRequestCheck =
  | { readonly ok: true; readonly timestamp: number; readonly signature: string }
  | { readonly ok: false; readonly reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

/**
 * Slack signs `v0:<timestamp>:<raw body>` with the app's signing secret. The check runs on the
 * exact bytes received, before anything is parsed, and refuses timestamps more than five minutes
 * off in either direction so that a captured request cannot be replayed later.
 */
export function validateSlackRequest(input: {
  readonly signingSecret: string;
  readonly timestampHeader: string | null;
  readonly signatureHeader: string | null;
  readonly rawBody: string;
  readonly nowMs: number;
}): SlackRequestCheck {
  const { timestampHeader, signatureHeader } = input;
  if (!timestampHeader || !signatureHeader || !/^\d{1,12}$/.test(timestampHeader))
    return { ok: false, reason: 'missing_headers' };
  const timestamp = Number(timestampHeader);
  if (Math.abs(input.nowMs / 1000 - timestamp) > signatureWindowSeconds)
    return { ok: false, reason: 'stale_timestamp' };
  const expected = `v0=${createHmac('sha256', input.signingSecret).update(`v0:${timestampHeader}:${input.rawBody}`).digest('hex')}`;
  if (!constantTimeEqual(expected, signatureHeader)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, timestamp, signature: signatureHeader };
}

/**
 * timingSafeEqual needs equal lengths and would throw (or leak the length through an early
 * return) otherwise; comparing fixed-size digests of both sides takes the same time whatever
 * was sent.
 */
function constantTimeEqual(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
