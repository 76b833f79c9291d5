import type { DecodedEvent, LatchkeyEventType, Recorded } from '../domain/events.ts';
import { isEventOfStream } from '../domain/events.ts';
import type { CredentialEvent } from '../domain/credential/events.ts';
import type { MailTemplate } from '../domain/mail.ts';

/** A credential event that asks for mail, named by its event id: the relay's de-duplication key. */
export interface MailRequest {
  readonly event: Recorded<CredentialEvent>;
  readonly clientId: string;
  readonly template: MailTemplate;
}

export type MailTemplateTable = { readonly [T in LatchkeyEventType]: MailTemplate | null };

/** Which email each event asks the relay to send, if any. */
export const mailTemplateByEvent: MailTemplateTable = {
  ClientRegistered: null,
  ClientDetailsChanged: null,
  ClientArchived: null,
  LoginAssigned: null,
  LoginRenamed: null,
  TempPasswordIssued: null,
  TempPasswordConsumed: null,
  TempPasswordBurned: null,
  TempPasswordWithdrawn: null,
  PermanentPasswordChosen: 'password-changed',
  PasswordChanged: 'password-changed',
  PasswordRehashed: null,
  LoginSucceeded: null,
  LoginFailed: null,
  PasswordResetRequested: 'password-reset',
  PasswordResetLinkIssued: null,
  PasswordResetCompleted: 'password-changed',
  LoginDisabled: null,
  LoginEnabled: null,
  SessionsRevoked: null,
  SessionEnded: null,
  CredentialsEmailRequested: 'client-login-credentials',
  UserNameReminderRequested: 'forgotten-user-name',
  NewSignInNoticeRequested: 'new-sign-in',
  SessionStarted: null,
  SessionSeen: null,
  ClientSignedInToApp: null,
  UserNameReserved: null,
  UserNameReleased: null,
  BatchStarted: null,
  BatchProgressed: null,
  BatchCompleted: null,
  EmailSent: null,
  EmailSendFailed: null,
  EmailSendDeferred: null,
  EmailSuppressed: null,
  EmailSendSkipped: null,
  EmailSuppressionLifted: null,
  EmailDelivered: null,
  EmailDeliveryFailed: null,
  EmailBounced: null,
  EmailComplained: null,
  EmailUnsubscribed: null,
  MailgunWebhookTokenAccepted: null,
  UnknownUserNameLoginFailed: null,
  PasswordResetRequestUnmatched: null,
  UserNameReminderUnmatched: null,
  StaffAlertClaimed: null,
  StaffAlertPosted: null,
  StaffActionRefused: null,
  ProgressMessagePosted: null,
  BusinessRegistered: null,
  BusinessRenamed: null,
  BusinessSettingsChanged: null,
  BusinessSuspended: null,
  BusinessReinstated: null,
  OriginClaimed: null,
  OriginReleased: null,
  SlackInstalled: null,
  SlackUninstalled: null,
  OidcAppRegistered: null,
  OidcAppSecretRotated: null,
  OidcAppRemoved: null,
};

export function toMailRequest(event: DecodedEvent): MailRequest | null {
  const template = mailTemplateByEvent[event.type];
  if (template === null || !isEventOfStream(event, 'credential')) return null;
  return { event, clientId: event.data.clientId, template };
}

/** Data carried by the request itself (the id minted secrets are tied to), when it has one. */
export function requestIdOf(request: MailRequest): string | undefined {
  const { data } = request.event;
  return 'requestId' in data ? data.requestId : undefined;
}
