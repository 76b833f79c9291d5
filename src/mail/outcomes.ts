import type { AppDeps } from '../app/deps.ts';
import { readStreamOf } from '../app/handle-command.ts';
import { recordEvent } from '../app/record-event.ts';
import { credentialStream } from '../domain/credential/events.ts';
import { businessOf, decodeEvent } from '../domain/events.ts';
import { mailOutcomeTypes, mailStream, type MailEvent } from '../domain/mail.ts';
import { DuplicateEventIdError, type RecordedEvent } from '../eventstore/port.ts';
import { mailRelayActor } from './compose.ts';
import type { MailRequest } from './requests.ts';

/** Where one request stands, read from the client's mail stream (the record, not memory). */
export type RequestStatus =
  | { readonly kind: 'settled' }
  | { readonly kind: 'deferred'; readonly attempts: number; readonly retryAt: string }
  | { readonly kind: 'new' };

export async function readRequestStatus(deps: AppDeps, request: MailRequest): Promise<RequestStatus> {
  const recorded = await readStreamOf(deps.store, mailStream(businessOf(request.event), request.clientId), 'mail');
  let status: RequestStatus = { kind: 'new' };
  for (const event of recorded) {
    if (!('requestEventId' in event.data) || event.data.requestEventId !== request.event.id) continue;
    if (mailOutcomeTypes.has(event.type)) return { kind: 'settled' };
    if (event.type === 'EmailSendDeferred')
      status = { kind: 'deferred', attempts: event.data.attempt, retryAt: event.data.retryAt };
  }
  return status;
}

/**
 * Appends one event about a request to the client's mail stream. Its id follows from the request
 * (and, for a deferral, the attempt), so the store itself refuses a second, different outcome,
 * even from a second relay.
 */
export async function recordMailEvent(deps: AppDeps, request: MailRequest, event: MailEvent): Promise<void> {
  const requestEventId = request.event.id;
  const commandId =
    event.type === 'EmailSendDeferred'
      ? `mail-deferred:${requestEventId}:${event.data.attempt}`
      : `mail-outcome:${requestEventId}`;
  const context = {
    businessId: businessOf(request.event),
    actor: mailRelayActor,
    commandId,
    causationId: requestEventId,
    at: deps.clock.now(),
  };
  try {
    await recordEvent(deps.store, mailStream(businessOf(request.event), request.clientId), event, context, 'any');
  } catch (error) {
    if (!(error instanceof DuplicateEventIdError)) throw error;
  }
}

/** The request event itself, looked up again when a scheduled retry falls due. */
export async function readRequestEvent(
  deps: AppDeps,
  clientId: string,
  requestEventId: string,
): Promise<RecordedEvent | null> {
  const recorded = await deps.store.readStream(credentialStream(deps.businessId, clientId));
  return recorded.find((event) => event.id === requestEventId) ?? null;
}

/**
 * The temporary password staff issued by hand (Slack, `login issue-temp`) after this request was
 * recorded, if any: decided on the credential stream as it is now, not on a read model.
 */
export async function findStaffIssuedSince(deps: AppDeps, request: MailRequest): Promise<string | null> {
  const recorded = await deps.store.readStream(credentialStream(businessOf(request.event), request.clientId));
  const index = recorded.findIndex((event) => event.id === request.event.id);
  for (const stored of recorded.slice(index + 1)) {
    const event = decodeEvent(stored);
    if (event?.type === 'TempPasswordIssued' && event.data.delivery === 'shown_to_staff')
      return event.data.tempPasswordId;
  }
  return null;
}

/** A request for a secret-bearing email is moot once the client asked for the same email again. */
export async function hasNewerRequest(deps: AppDeps, request: MailRequest): Promise<boolean> {
  const recorded = await deps.store.readStream(credentialStream(businessOf(request.event), request.clientId));
  const index = recorded.findIndex((event) => event.id === request.event.id);
  return recorded.slice(index + 1).some((event) => event.type === request.event.type);
}
