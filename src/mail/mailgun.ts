import FormData from 'form-data';
import Mailgun from 'mailgun.js';
import { withRetryAfter } from './retry-after.ts';
import {
  MailServiceUnavailableError,
  PermanentMailError,
  TransientMailError,
  type MailMessage,
  type MailTransport,
} from './transport.ts';

export interface MailgunTransportOptions {
  readonly apiKey: string;
  readonly domain: string;
  /** https://api.mailgun.net (US), https://api.eu.mailgun.net (EU), or any URL (tests use a local fake). */
  readonly url: string;
  readonly from: string;
  readonly replyTo: string | null;
  readonly timeoutMs?: number;
}

export function createMailgunTransport(options: MailgunTransportOptions): MailTransport {
  const client = new Mailgun(FormData).client({
    username: 'api',
    key: options.apiKey,
    url: options.url,
    timeout: options.timeoutMs ?? 30_000,
  });
  return {
    name: 'mailgun',
    async send(message: MailMessage) {
      const variables = Object.fromEntries(
        Object.entries(message.variables).map(([name, value]) => [`v:${name}`, value]),
      );
      const { sender } = message;
      const replyTo = sender ? sender.replyTo : options.replyTo;
      const answer = await withRetryAfter(() =>
        client.messages.create(sender?.mailgunDomain ?? options.domain, {
          from: sender?.from ?? options.from,
          to: [message.to],
          subject: message.subject,
          text: message.text,
          html: message.html,
          'o:tag': [...message.tags],
          // Click tracking would rewrite the login and reset links through Mailgun's domain.
          'o:tracking': 'no',
          ...(message.requireTls ? { 'o:require-tls': true } : {}),
          ...(replyTo ? { 'h:Reply-To': replyTo } : {}),
          ...variables,
        }),
      );
      if (!answer.ok) throw toMailError(answer.error, answer.retryAfterSeconds);
      const sent = answer.value;
      if (!sent.id) throw new TransientMailError(`Mailgun accepted the message without an id (status ${sent.status})`);
      return { providerMessageId: stripAngleBrackets(sent.id) };
    },
  };
}

/** Mailgun answers `<id@domain>`; its webhooks name the same message without the brackets. */
export function stripAngleBrackets(messageId: string): string {
  return messageId.trim().replace(/^<|>$/g, '');
}

/**
 * mailgun.js reports every failure as one error type: an HTTP status with the response text, or,
 * when no response came at all, status 400 with the socket error code (ECONNREFUSED, ETIMEDOUT…)
 * as its message. Telling those apart matters: a network failure is worth retrying, a 400 is not,
 * and neither an unreachable Mailgun nor a refused API key says anything about the message.
 */
function toMailError(error: unknown, retryAfterSeconds: number | null): Error {
  if (error instanceof TransientMailError || error instanceof PermanentMailError) return error;
  const { status, message, details } = error as { status?: unknown; message?: unknown; details?: unknown };
  const summary =
    [message, details].filter((part) => typeof part === 'string' && part !== '').join(': ') || String(error);
  if (typeof status !== 'number') return new TransientMailError(`Mailgun request failed: ${summary}`, { cause: error });
  if (isSocketErrorCode(message))
    return new MailServiceUnavailableError('Mailgun could not be reached', summary, { cause: error });
  // Our own API key, not this message: every other email would be refused the same way.
  if (status === 401)
    return new MailServiceUnavailableError('Mailgun refused the API key (401)', summary, { cause: error });
  if (status === 429 || status >= 500)
    return new TransientMailError(`Mailgun answered ${status}: ${summary}`, { cause: error, retryAfterSeconds });
  if (status >= 400)
    return new PermanentMailError(`Mailgun refused the message (${status}): ${summary}`, { cause: error });
  return new TransientMailError(`Mailgun answered ${status}: ${summary}`, { cause: error });
}

function isSocketErrorCode(message: unknown): boolean {
  return typeof message === 'string' && /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(message);
}
