import type { EventOfType, LatchkeyEventType } from '../../src/domain/events.ts';
import type { RecordedEvent } from '../../src/eventstore/port.ts';
import type { BusinessSettings } from '../../src/domain/business-settings.ts';

export const sampleBusinessSettings: BusinessSettings = {
  name: 'Happy Paws',
  logoUrl: null,
  contact: 'office@happypaws.example',
  timeZone: 'America/New_York',
  publicOrigin: 'https://happypaws.example',
  tempPasswordTtlDays: 7,
  tempPasswordMaxFailures: 1,
  passwordMinLength: 15,
  recoveryCooldownSeconds: 120,
  mailFrom: 'Happy Paws <hello@happypaws.example>',
  mailReplyTo: null,
  mailgunDomain: null,
  slackStaffUserIds: ['U0OWNER'],
  slackStaffChannel: null,
  slackAlertsChannel: 'C0HAPPYALERTS',
};

/**
 * One example of every event in the catalogue, as a table the compiler checks: a new event type
 * without an example here fails `tsc`, so every test that walks the catalogue covers it.
 */
export const sampleEvents: { readonly [T in LatchkeyEventType]: EventOfType<T> } = {
  ClientRegistered: {
    type: 'ClientRegistered',
    data: { clientId: 'C1', firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', altEmail: null, active: true },
  },
  ClientDetailsChanged: { type: 'ClientDetailsChanged', data: { clientId: 'C1', changes: { lastName: 'Li' } } },
  ClientArchived: { type: 'ClientArchived', data: { clientId: 'C1' } },
  LoginAssigned: { type: 'LoginAssigned', data: { clientId: 'C1', userName: 'ann@example.com' } },
  LoginRenamed: { type: 'LoginRenamed', data: { clientId: 'C1', from: 'ann@example.com', to: 'ann.lee' } },
  TempPasswordIssued: {
    type: 'TempPasswordIssued',
    data: {
      clientId: 'C1',
      tempPasswordId: 'T1',
      secretHash: 'sample-secret-hash',
      expiresAt: '2026-03-10T14:00:00.000Z',
      delivery: 'email',
      requestId: 'R1',
    },
  },
  TempPasswordConsumed: { type: 'TempPasswordConsumed', data: { clientId: 'C1', tempPasswordId: 'T1' } },
  TempPasswordBurned: {
    type: 'TempPasswordBurned',
    data: { clientId: 'C1', tempPasswordId: 'T1', reason: 'failed_attempt' },
  },
  TempPasswordWithdrawn: {
    type: 'TempPasswordWithdrawn',
    data: {
      clientId: 'C1',
      tempPasswordId: 'T2',
      reason: 'not_shown',
      restored: { tempPasswordId: 'T1', expiresAt: '2026-03-10T14:00:00.000Z' },
    },
  },
  PermanentPasswordChosen: {
    type: 'PermanentPasswordChosen',
    data: { clientId: 'C1', passwordHash: 'sample-password-hash' },
  },
  PasswordChanged: { type: 'PasswordChanged', data: { clientId: 'C1', passwordHash: 'sample-password-hash' } },
  PasswordRehashed: { type: 'PasswordRehashed', data: { clientId: 'C1', passwordHash: 'sample-password-hash' } },
  LoginSucceeded: { type: 'LoginSucceeded', data: { clientId: 'C1', method: 'password' } },
  LoginFailed: { type: 'LoginFailed', data: { clientId: 'C1', reason: 'wrong_password', couldBeTemporary: true } },
  PasswordResetRequested: { type: 'PasswordResetRequested', data: { clientId: 'C1', requestId: 'R2' } },
  PasswordResetLinkIssued: {
    type: 'PasswordResetLinkIssued',
    data: {
      clientId: 'C1',
      tokenId: 'K1',
      secretHash: 'sample-secret-hash',
      expiresAt: '2026-03-03T15:00:00.000Z',
      requestId: 'R2',
    },
  },
  PasswordResetCompleted: {
    type: 'PasswordResetCompleted',
    data: { clientId: 'C1', tokenId: 'K1', passwordHash: 'sample-password-hash' },
  },
  LoginDisabled: { type: 'LoginDisabled', data: { clientId: 'C1', reason: 'moved away' } },
  LoginEnabled: { type: 'LoginEnabled', data: { clientId: 'C1' } },
  SessionsRevoked: { type: 'SessionsRevoked', data: { clientId: 'C1', reason: 'staff' } },
  SessionEnded: {
    type: 'SessionEnded',
    data: { clientId: 'C1', sessionFingerprint: 'sample-session-fingerprint', expiresAt: '2026-03-04T14:00:00.000Z' },
  },
  CredentialsEmailRequested: {
    type: 'CredentialsEmailRequested',
    data: { clientId: 'C1', requestId: 'R3', batchId: 'B1' },
  },
  UserNameReminderRequested: { type: 'UserNameReminderRequested', data: { clientId: 'C1', requestId: 'R4' } },
  NewSignInNoticeRequested: {
    type: 'NewSignInNoticeRequested',
    data: { clientId: 'C1', requestId: 'R5', browser: 'Firefox', os: 'Windows' },
  },
  SessionStarted: {
    type: 'SessionStarted',
    data: {
      clientId: 'C1',
      sessionFingerprint: 'sample-session-fingerprint',
      expiresAt: '2026-03-04T14:00:00.000Z',
      keptSignedIn: false,
      browser: 'Firefox',
      os: 'Windows',
    },
  },
  ClientSignedInToApp: {
    type: 'ClientSignedInToApp',
    data: { clientId: 'C1', appId: 'app-sample', appName: 'Sample portal', method: 'password' },
  },
  SessionSeen: { type: 'SessionSeen', data: { clientId: 'C1', sessionFingerprint: 'sample-session-fingerprint' } },
  UserNameReserved: { type: 'UserNameReserved', data: { userName: 'ann@example.com', clientId: 'C1' } },
  UserNameReleased: { type: 'UserNameReleased', data: { userName: 'ann@example.com', clientId: 'C1' } },
  BatchStarted: {
    type: 'BatchStarted',
    data: { batchId: 'B1', kind: 'provision', clientIds: ['C1'], options: { sendEmail: true } },
  },
  BatchProgressed: { type: 'BatchProgressed', data: { batchId: 'B1', done: 1, succeeded: 1, skipped: 0, failed: 0 } },
  BatchCompleted: { type: 'BatchCompleted', data: { batchId: 'B1', done: 1, succeeded: 1, skipped: 0, failed: 0 } },
  EmailSent: {
    type: 'EmailSent',
    data: {
      clientId: 'C1',
      requestEventId: 'E1',
      template: 'client-login-credentials',
      to: 'ann@example.com',
      providerMessageId: 'M1',
    },
  },
  EmailSendFailed: {
    type: 'EmailSendFailed',
    data: { clientId: 'C1', requestEventId: 'E2', template: 'password-reset', permanent: true, reason: 'refused' },
  },
  EmailSendDeferred: {
    type: 'EmailSendDeferred',
    data: {
      clientId: 'C1',
      requestEventId: 'E2',
      template: 'password-reset',
      attempt: 1,
      reason: 'Mailgun answered 503',
      retryAt: '2026-03-03T14:00:10.000Z',
    },
  },
  EmailSuppressed: {
    type: 'EmailSuppressed',
    data: {
      clientId: 'C1',
      requestEventId: 'E2',
      template: 'password-reset',
      to: 'olivia@example.com',
      reason: 'bounced',
      since: '2026-03-03T14:00:00.000Z',
    },
  },
  EmailSendSkipped: {
    type: 'EmailSendSkipped',
    data: {
      clientId: 'C1',
      requestEventId: 'E2',
      template: 'client-login-credentials',
      reason: 'temp_password_issued_since',
      tempPasswordId: 'T2',
    },
  },
  EmailSuppressionLifted: {
    type: 'EmailSuppressionLifted',
    data: { clientId: 'C1', address: 'olivia@example.com', reason: 'bounced' },
  },
  EmailDelivered: { type: 'EmailDelivered', data: { clientId: 'C1', providerMessageId: 'M1' } },
  EmailDeliveryFailed: {
    type: 'EmailDeliveryFailed',
    data: { clientId: 'C1', providerMessageId: 'M1', severity: 'permanent', reason: 'mailbox full' },
  },
  EmailBounced: { type: 'EmailBounced', data: { clientId: 'C1', providerMessageId: 'M1', reason: 'no such user' } },
  EmailComplained: { type: 'EmailComplained', data: { clientId: 'C1', providerMessageId: 'M1' } },
  EmailUnsubscribed: { type: 'EmailUnsubscribed', data: { clientId: 'C1', providerMessageId: 'M1' } },
  MailgunWebhookTokenAccepted: {
    type: 'MailgunWebhookTokenAccepted',
    data: { timestamp: '1767225600', event: 'delivered', providerMessageId: 'M1' },
  },
  UnknownUserNameLoginFailed: {
    type: 'UnknownUserNameLoginFailed',
    data: { userNameFingerprint: 'sample-user-name-fingerprint' },
  },
  PasswordResetRequestUnmatched: {
    type: 'PasswordResetRequestUnmatched',
    data: { userNameFingerprint: 'sample-user-name-fingerprint', emailFingerprint: 'sample-email-fingerprint' },
  },
  UserNameReminderUnmatched: {
    type: 'UserNameReminderUnmatched',
    data: { emailFingerprint: 'sample-email-fingerprint' },
  },
  StaffAlertClaimed: { type: 'StaffAlertClaimed', data: { eventId: 'E1', claimedBy: 'host:1' } },
  StaffAlertPosted: { type: 'StaffAlertPosted', data: { eventId: 'E1', channel: 'C-ALERTS', messageTs: '1.2' } },
  StaffActionRefused: {
    type: 'StaffActionRefused',
    data: { slackUserId: 'U1', teamId: 'T1', action: '/clients', reason: 'not_staff' },
  },
  ProgressMessagePosted: {
    type: 'ProgressMessagePosted',
    data: { batchId: 'B1', channel: 'C1', messageTs: '1700000000.000100' },
  },
  BusinessRegistered: {
    type: 'BusinessRegistered',
    data: { businessId: 'happypaws', settings: sampleBusinessSettings },
  },
  BusinessRenamed: {
    type: 'BusinessRenamed',
    data: { businessId: 'happypaws', from: 'Happy Paws', to: 'Happy Paws Co' },
  },
  BusinessSettingsChanged: {
    type: 'BusinessSettingsChanged',
    data: { businessId: 'happypaws', changes: { timeZone: 'Europe/London' } },
  },
  BusinessSuspended: { type: 'BusinessSuspended', data: { businessId: 'happypaws', reason: 'unpaid invoice' } },
  BusinessReinstated: { type: 'BusinessReinstated', data: { businessId: 'happypaws' } },
  OriginClaimed: { type: 'OriginClaimed', data: { origin: 'https://happypaws.example', businessId: 'happypaws' } },
  OriginReleased: { type: 'OriginReleased', data: { origin: 'https://happypaws.example', businessId: 'happypaws' } },
  SlackInstalled: {
    type: 'SlackInstalled',
    data: {
      businessId: 'happypaws',
      teamId: 'T0HAPPY',
      teamName: 'Happy Paws',
      botUserId: 'U0BOT',
      scopes: ['commands', 'chat:write'],
      installedBy: 'U0OWNER',
    },
  },
  SlackUninstalled: {
    type: 'SlackUninstalled',
    data: { businessId: 'happypaws', teamId: 'T0HAPPY', reason: 'app_uninstalled' },
  },
  OidcAppRegistered: {
    type: 'OidcAppRegistered',
    data: {
      businessId: 'default',
      appId: 'app-portal',
      name: 'Portal',
      redirectUris: ['https://portal.example/callback'],
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
      secretHash: 'c0ffee',
      firstParty: true,
    },
  },
  OidcAppSecretRotated: { type: 'OidcAppSecretRotated', data: { appId: 'app-portal', secretHash: 'beef' } },
  OidcAppRemoved: { type: 'OidcAppRemoved', data: { appId: 'app-portal' } },
};

const streamOf = ({ data }: { readonly data: unknown }): string =>
  typeof data === 'object' && data !== null && 'clientId' in data && typeof data.clientId === 'string'
    ? `sample-${data.clientId}`
    : 'sample';

/** Events as the log would hand them over, at consecutive positions from 1. */
export function asRecorded(
  events: readonly { readonly type: string; readonly data: unknown }[],
  options: { stream?: string; at?: string; firstPosition?: number; businessId?: string } = {},
): RecordedEvent[] {
  const first = options.firstPosition ?? 1;
  return events.map((event, index) => ({
    id: `event-${first + index}`,
    stream: options.stream ?? streamOf(event),
    revision: index,
    position: String(first + index),
    type: event.type,
    data: event.data,
    metadata: {
      actor: { kind: 'system', id: 'test' },
      at: options.at ?? '2026-03-03T14:00:00.000Z',
      businessId: options.businessId ?? 'default',
    },
    prevHash: '',
    hash: '',
  }));
}

export const comparePositions = (a: string, b: string): number => Number(a) - Number(b);
