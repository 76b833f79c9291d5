import type { CredentialEvent } from '../domain/credential/events.ts';
import type { MailEvent } from '../domain/mail.ts';
import type { RecordedEvent } from '../eventstore/port.ts';
import type { AlertSubject } from './blocks/alerts.ts';

/** Which events the staff channel hears about; everything else is left to the Home tab and history. */
export function alertSubjectOf(recorded: RecordedEvent): { clientId: string; subject: AlertSubject } | null {
  const event = recorded as unknown as CredentialEvent | MailEvent;
  switch (event.type) {
    case 'TempPasswordBurned':
      return event.data.reason === 'failed_attempt'
        ? { clientId: event.data.clientId, subject: { kind: 'temp_password_burned' } }
        : null;
    case 'EmailBounced':
      return {
        clientId: event.data.clientId,
        subject: { kind: 'email_failed', how: 'bounced', reason: event.data.reason },
      };
    case 'EmailDeliveryFailed':
      return event.data.severity === 'permanent'
        ? {
            clientId: event.data.clientId,
            subject: { kind: 'email_failed', how: 'could not be delivered', reason: event.data.reason },
          }
        : null;
    case 'EmailSendFailed':
      return event.data.permanent
        ? {
            clientId: event.data.clientId,
            subject: { kind: 'email_failed', how: 'could not be sent', reason: event.data.reason },
          }
        : null;
    case 'PermanentPasswordChosen':
      return { clientId: event.data.clientId, subject: { kind: 'first_login_completed' } };
    default:
      return null;
  }
}
