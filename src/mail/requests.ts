import type { CredentialEventType } from '../domain/credential/events.ts';
import type { MailTemplate } from '../domain/mail.ts';
import type { RecordedEvent } from '../eventstore/port.ts';

/** A credential event that asks for mail, named by its event id: the relay's de-duplication key. */
export interface MailRequest {
  readonly event: RecordedEvent;
  readonly clientId: string;
  readonly template: MailTemplate;
}

const templateByEvent: Partial<Record<CredentialEventType, MailTemplate>> = {
  CredentialsEmailRequested: 'client-login-credentials',
  PasswordResetRequested: 'password-reset',
  UserNameReminderRequested: 'forgotten-user-name',
  PermanentPasswordChosen: 'password-changed',
  PasswordChanged: 'password-changed',
  PasswordResetCompleted: 'password-changed',
};

export function toMailRequest(event: RecordedEvent): MailRequest | null {
  if (!event.stream.startsWith('credential-')) return null;
  const template = templateByEvent[event.type as CredentialEventType];
  const clientId = (event.data as { clientId?: unknown }).clientId;
  return template && typeof clientId === 'string' ? { event, clientId, template } : null;
}

/** Data carried by the request itself (the id minted secrets are tied to), when it has one. */
export function requestIdOf(request: MailRequest): string | undefined {
  const requestId = (request.event.data as { requestId?: unknown }).requestId;
  return typeof requestId === 'string' ? requestId : undefined;
}
