import type { DecodedEvent } from '../domain/events.ts';
import type { AlertSubject } from './blocks/alerts.ts';

export interface AlertFound {
  readonly clientId: string;
  readonly subject: AlertSubject;
}

/**
 * Which events the staff channel hears about; everything else is left to the Home tab and history.
 * Every event type is named here, so a new one is a decision, not an omission.
 */
export function alertSubjectOf(event: DecodedEvent): AlertFound | null {
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
      return event.data.permanent || event.data.gaveUpAfterAttempts
        ? {
            clientId: event.data.clientId,
            subject: { kind: 'email_failed', how: 'could not be sent', reason: event.data.reason },
          }
        : null;
    case 'EmailSuppressed':
      return {
        clientId: event.data.clientId,
        subject: {
          kind: 'email_failed',
          how: 'could not be sent',
          reason: `the address ${event.data.reason}; lift it once fixed`,
        },
      };
    case 'PermanentPasswordChosen':
      return { clientId: event.data.clientId, subject: { kind: 'first_login_completed' } };
    case 'ClientRegistered':
    case 'ClientDetailsChanged':
    case 'ClientArchived':
    case 'LoginAssigned':
    case 'LoginRenamed':
    case 'TempPasswordIssued':
    case 'TempPasswordConsumed':
    case 'TempPasswordWithdrawn':
    case 'PasswordChanged':
    case 'PasswordRehashed':
    case 'LoginSucceeded':
    case 'LoginFailed':
    case 'PasswordResetRequested':
    case 'PasswordResetLinkIssued':
    case 'PasswordResetCompleted':
    case 'LoginDisabled':
    case 'LoginEnabled':
    case 'SessionsRevoked':
    case 'SessionEnded':
    case 'CredentialsEmailRequested':
    case 'UserNameReminderRequested':
    case 'NewSignInNoticeRequested':
    case 'SessionStarted':
    case 'SessionSeen':
    case 'ClientSignedInToApp':
    case 'UserNameReserved':
    case 'UserNameReleased':
    case 'BatchStarted':
    case 'BatchProgressed':
    case 'BatchCompleted':
    case 'EmailSent':
    case 'EmailSendDeferred':
    case 'EmailSuppressionLifted':
    case 'EmailSendSkipped':
    case 'EmailDelivered':
    case 'EmailComplained':
    case 'EmailUnsubscribed':
    case 'MailgunWebhookTokenAccepted':
    case 'UnknownUserNameLoginFailed':
    case 'PasswordResetRequestUnmatched':
    case 'UserNameReminderUnmatched':
    case 'StaffAlertClaimed':
    case 'StaffAlertPosted':
    case 'StaffActionRefused':
    case 'ProgressMessagePosted':
    case 'BusinessRegistered':
    case 'BusinessRenamed':
    case 'BusinessSettingsChanged':
    case 'BusinessSuspended':
    case 'BusinessReinstated':
    case 'OriginClaimed':
    case 'OriginReleased':
    case 'SlackInstalled':
    case 'SlackUninstalled':
    case 'OidcAppRegistered':
    case 'OidcAppSecretRotated':
    case 'OidcAppRemoved':
      return null;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
