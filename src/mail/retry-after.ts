import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/**
 * mailgun.js drops the response headers when it turns an HTTP failure into an error, so the
 * Retry-After of a 429 or 503 would be lost. Node publishes every outgoing HTTP request on a
 * diagnostics channel, synchronously inside `http.request()`, that is, in the async context of
 * the send that caused it: the request is tied to that send there, and its response's
 * Retry-After is noted when the headers arrive, before mailgun.js rejects.
 */
interface SendContext {
  retryAfterSeconds: number | null;
}

const sends = new AsyncLocalStorage<SendContext>();
const contextByRequest = new WeakMap<ClientRequest, SendContext>();
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  subscribe('http.client.request.start', (message) => {
    const context = sends.getStore();
    if (context) contextByRequest.set((message as { request: ClientRequest }).request, context);
  });
  subscribe('http.client.response.finish', (message) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const context = contextByRequest.get(request);
    if (context) context.retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], new Date());
  });
}

/** Runs `send`, and reports the Retry-After its last HTTP response carried, if any. */
export async function withRetryAfter<T>(
  send: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown; retryAfterSeconds: number | null }> {
  listen();
  const context: SendContext = { retryAfterSeconds: null };
  try {
    return { ok: true, value: await sends.run(context, send) };
  } catch (error) {
    return { ok: false, error, retryAfterSeconds: context.retryAfterSeconds };
  }
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
