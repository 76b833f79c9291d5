import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AppDeps } from '../app/deps.ts';
import { readStreamOf } from '../app/handle-command.ts';
import { recordEvent } from '../app/record-event.ts';
import { mailgunWebhookTokenStream, mailStream, type MailEvent, type MailWebhookTokenEvent } from '../domain/mail.ts';
import { ok, reject, type Rejection, type Result } from '../domain/result.ts';
import { WrongExpectedRevisionError, type Actor } from '../eventstore/port.ts';
import { stripAngleBrackets } from './mailgun.ts';

/** Mailgun's JSON webhook body: a signature block and the event it reports. */
export const mailgunWebhookSchema = z.object({
  signature: z.object({
    timestamp: z.string().regex(/^\d{1,12}$/),
    token: z.string().regex(/^[A-Za-z0-9]{20,128}$/),
    signature: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  'event-data': z.object({
    event: z.string(),
    severity: z.string().optional(),
    reason: z.string().optional(),
    'delivery-status': z
      .object({ message: z.string().optional(), description: z.string().optional() })
      .partial()
      .optional(),
    message: z.object({ headers: z.object({ 'message-id': z.string().min(1).max(998) }) }),
    'user-variables': z.record(z.string(), z.unknown()).optional(),
  }),
});

export type MailgunWebhook = z.infer<typeof mailgunWebhookSchema>;

const mailgunActor: Actor = { kind: 'system', id: 'mailgun', name: 'Mailgun webhook' };
const webhookWindowMs = 5 * 60 * 1000;

/** HMAC-SHA256 of timestamp + token under the webhook signing key, compared in constant time. */
export function verifyMailgunSignature(signingKey: string, signature: MailgunWebhook['signature']): boolean {
  const expected = createHmac('sha256', signingKey)
    .update(signature.timestamp + signature.token)
    .digest();
  const given = Buffer.from(signature.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function verifyWebhookTimestamp(timestamp: string, now: Date): boolean {
  return Math.abs(now.getTime() - Number(timestamp) * 1000) <= webhookWindowMs;
}

export type ReportKind =
  | { readonly type: 'EmailDelivered' | 'EmailBounced' | 'EmailComplained' | 'EmailUnsubscribed' }
  | { readonly type: 'EmailDeliveryFailed'; readonly severity: 'temporary' | 'permanent' };

/** Which reports change an email's state; the rest (accepted, opened, clicked…) are acknowledged and ignored. */
export function classifyReport(eventData: MailgunWebhook['event-data']): ReportKind | null {
  switch (eventData.event) {
    case 'delivered':
      return { type: 'EmailDelivered' };
    case 'failed':
      if (eventData.severity === 'temporary') return { type: 'EmailDeliveryFailed', severity: 'temporary' };
      return eventData.reason === 'bounce' || eventData.reason === 'suppress-bounce'
        ? { type: 'EmailBounced' }
        : { type: 'EmailDeliveryFailed', severity: 'permanent' };
    case 'rejected':
      return { type: 'EmailDeliveryFailed', severity: 'permanent' };
    case 'complained':
      return { type: 'EmailComplained' };
    case 'unsubscribed':
      return { type: 'EmailUnsubscribed' };
    default:
      return null;
  }
}

export type ReportRejection = Rejection<'replayed_token' | 'unknown_message'>;

/**
 * Records a verified report. The token is claimed first, so it can never be used twice. Only the
 * timestamp and token are signed, not the body, so the body's claims are checked against the log:
 * the message id must be one we recorded as sent to the client the report names (or, without
 * that variable, to some client). A signature block lifted onto a forged body can therefore, at
 * worst and once, mislabel one of our own emails; it cannot invent mail or move it to another client.
 */
export async function recordDeliveryReport(
  deps: AppDeps,
  webhook: MailgunWebhook,
  kind: ReportKind,
): Promise<Result<{ clientId: string }, ReportRejection>> {
  const { token, timestamp } = webhook.signature;
  const data = webhook['event-data'];
  const context = {
    businessId: deps.businessId,
    actor: mailgunActor,
    commandId: `mailgun:${token}`,
    at: deps.clock.now(),
  };
  const { commandId } = context;
  const tokenStream = mailgunWebhookTokenStream(token);
  const providerMessageId = stripAngleBrackets(data.message.headers['message-id']);
  const claim: MailWebhookTokenEvent = {
    type: 'MailgunWebhookTokenAccepted',
    data: { timestamp, event: data.event, providerMessageId },
  };
  let claimedBefore = false;
  try {
    // A fresh event id, not one derived from the token: the store would take a second append of a
    // derived id as an idempotent retry and skip the `no_stream` check that refuses the replay.
    await recordEvent(deps.store, tokenStream, claim, context, 'no_stream', { eventIds: 'fresh' });
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    claimedBefore = true;
  }
  const clientId = await findSender(deps, providerMessageId, data['user-variables']?.['client-id']);
  if (claimedBefore && !(await isRetryOfUnrecordedReport(deps, tokenStream, commandId, providerMessageId, clientId))) {
    return reject('replayed_token', 'this webhook token was already used');
  }
  if (!clientId) return reject('unknown_message', 'no email with this message id was sent to this client');
  const reason =
    [data.reason, data['delivery-status']?.description || data['delivery-status']?.message]
      .filter(Boolean)
      .join(': ')
      .slice(0, 300) || data.event;
  await recordEvent(
    deps.store,
    mailStream(deps.businessId, clientId),
    toMailEvent(kind, clientId, providerMessageId, reason),
    context,
    'any',
  );
  return ok({ clientId });
}

/**
 * A used token is a replay, unless it is Mailgun retrying a report whose first delivery failed
 * between the claim and the record: same message as the claim names, and nothing recorded yet.
 */
async function isRetryOfUnrecordedReport(
  deps: AppDeps,
  tokenStream: string,
  commandId: string,
  providerMessageId: string,
  clientId: string | null,
): Promise<boolean> {
  if (!clientId) return false;
  const [claimed] = await readStreamOf(deps.store, tokenStream, 'mailgun-webhook-token');
  if (claimed?.data.providerMessageId !== providerMessageId) return false;
  const recorded = await readStreamOf(deps.store, mailStream(deps.businessId, clientId), 'mail');
  return !recorded.some((event) => event.metadata.commandId === commandId);
}

async function findSender(deps: AppDeps, providerMessageId: string, namedClientId: unknown): Promise<string | null> {
  const candidates =
    typeof namedClientId === 'string'
      ? [namedClientId]
      : deps.readModels.mail.findClientIdsByMessageId(providerMessageId);
  for (const clientId of candidates) {
    const recorded = await readStreamOf(deps.store, mailStream(deps.businessId, clientId), 'mail');
    if (recorded.some((event) => event.type === 'EmailSent' && event.data.providerMessageId === providerMessageId))
      return clientId;
  }
  return null;
}

function toMailEvent(kind: ReportKind, clientId: string, providerMessageId: string, reason: string): MailEvent {
  switch (kind.type) {
    case 'EmailDelivered':
      return { type: 'EmailDelivered', data: { clientId, providerMessageId } };
    case 'EmailDeliveryFailed':
      return { type: 'EmailDeliveryFailed', data: { clientId, providerMessageId, severity: kind.severity, reason } };
    case 'EmailBounced':
      return { type: 'EmailBounced', data: { clientId, providerMessageId, reason } };
    case 'EmailComplained':
      return { type: 'EmailComplained', data: { clientId, providerMessageId } };
    case 'EmailUnsubscribed':
      return { type: 'EmailUnsubscribed', data: { clientId, providerMessageId } };
  }
}
