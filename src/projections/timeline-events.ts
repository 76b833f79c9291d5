import type { EventOfType, LatchkeyEvent, LatchkeyEventType } from '../domain/events.ts';

/** A field of an event's data that may be shown (the client id is the timeline's key, not a detail). */
export type PublicField<E extends LatchkeyEvent> = Exclude<keyof E['data'] & string, 'clientId'>;

export interface TimelineEntrySpec<E extends LatchkeyEvent> {
  /** How people read the event, in the CLI, on the Slack Home tab and in a client's history. */
  readonly label: string;
  /**
   * The allow-list: only these fields of the event's data reach a timeline row. Hashes,
   * fingerprints and anything secret-looking stay out, and so does every field added later until
   * someone decides to show it.
   */
  readonly fields: readonly PublicField<E>[];
}

/** Per event type: how it shows on a client's timeline, or null when it is about no one client. */
export type TimelineCatalogue = { readonly [T in LatchkeyEventType]: TimelineEntrySpec<EventOfType<T>> | null };

export const timelineEvents: TimelineCatalogue = {
  ClientRegistered: { label: 'Client registered', fields: ['firstName', 'lastName', 'email', 'altEmail', 'active'] },
  ClientDetailsChanged: { label: 'Details changed', fields: ['changes'] },
  ClientArchived: { label: 'Client archived', fields: [] },
  LoginAssigned: { label: 'Login created', fields: ['userName'] },
  LoginRenamed: { label: 'User name changed', fields: ['from', 'to'] },
  TempPasswordIssued: {
    label: 'Temporary password issued',
    fields: ['tempPasswordId', 'expiresAt', 'delivery', 'requestId'],
  },
  TempPasswordConsumed: { label: 'Temporary password used', fields: ['tempPasswordId'] },
  TempPasswordBurned: { label: 'Temporary password burned', fields: ['tempPasswordId', 'reason'] },
  TempPasswordWithdrawn: {
    label: 'Temporary password withdrawn',
    fields: ['tempPasswordId', 'reason', 'restored'],
  },
  PermanentPasswordChosen: { label: 'Password chosen', fields: [] },
  PasswordChanged: { label: 'Password changed', fields: [] },
  PasswordRehashed: { label: 'Password hash upgraded', fields: [] },
  LoginSucceeded: { label: 'Logged in', fields: ['method'] },
  LoginFailed: { label: 'Login failed', fields: ['reason'] },
  PasswordResetRequested: { label: 'Password reset requested', fields: ['requestId'] },
  PasswordResetLinkIssued: { label: 'Reset link sent', fields: ['tokenId', 'expiresAt', 'requestId'] },
  PasswordResetCompleted: { label: 'Password reset', fields: ['tokenId'] },
  LoginDisabled: { label: 'Login disabled', fields: ['reason'] },
  LoginEnabled: { label: 'Login enabled', fields: [] },
  SessionsRevoked: { label: 'Signed out everywhere', fields: ['reason'] },
  // The session's fingerprint is a keyed hash: it identifies the browser to the server only.
  SessionEnded: { label: 'Logged out in one browser', fields: ['expiresAt'] },
  CredentialsEmailRequested: { label: 'Credentials email requested', fields: ['requestId', 'batchId'] },
  UserNameReminderRequested: { label: 'User name reminder requested', fields: ['requestId'] },
  NewSignInNoticeRequested: { label: 'New sign-in email requested', fields: ['requestId', 'browser', 'os'] },
  // The session's fingerprint stays out: a keyed hash that means nothing to people.
  SessionStarted: { label: 'Signed in on a browser', fields: ['browser', 'os', 'keptSignedIn', 'expiresAt'] },
  // "Still using the site" is recorded every few minutes: history without it stays readable.
  SessionSeen: null,
  ClientSignedInToApp: { label: 'Signed in to an app', fields: ['appId', 'appName', 'method'] },
  UserNameReserved: { label: 'User name reserved', fields: ['userName'] },
  UserNameReleased: { label: 'User name released', fields: ['userName'] },
  BatchStarted: null,
  BatchProgressed: null,
  BatchCompleted: null,
  EmailSent: { label: 'Email sent', fields: ['requestEventId', 'template', 'to', 'providerMessageId'] },
  EmailSendFailed: {
    label: 'Email could not be sent',
    fields: ['requestEventId', 'template', 'permanent', 'reason', 'gaveUpAfterAttempts'],
  },
  EmailSendDeferred: { label: 'Email not sent yet; will retry', fields: ['template', 'attempt', 'reason', 'retryAt'] },
  EmailSuppressed: { label: 'Email not sent: address suppressed', fields: ['template', 'to', 'reason', 'since'] },
  EmailSendSkipped: {
    label: 'Email not sent: staff issued a newer temporary password',
    fields: ['requestEventId', 'template', 'reason', 'tempPasswordId'],
  },
  EmailSuppressionLifted: { label: 'Address mailed again', fields: ['address', 'reason'] },
  EmailDelivered: { label: 'Email delivered', fields: ['providerMessageId'] },
  EmailDeliveryFailed: { label: 'Email delivery failed', fields: ['providerMessageId', 'severity', 'reason'] },
  EmailBounced: { label: 'Email bounced', fields: ['providerMessageId', 'reason'] },
  EmailComplained: { label: 'Email marked as spam', fields: ['providerMessageId'] },
  EmailUnsubscribed: { label: 'Unsubscribed', fields: ['providerMessageId'] },
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

/** The label of a timeline row's type; a type this version does not know reads as itself. */
export function describeEventType(type: string): string {
  return Object.hasOwn(timelineEvents, type) ? (timelineEvents[type as LatchkeyEventType]?.label ?? type) : type;
}
