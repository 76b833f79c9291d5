import { isLatchkeyEventType, type LatchkeyEventType } from '../../domain/events.ts';
import { describeEventType } from '../../projections/timeline-events.ts';
import { escapeText } from './kit.ts';

type Details = Record<string, unknown>;
const text = (value: unknown): string => escapeText(String(value));

const burnReasons: Record<string, string> = {
  failed_attempt: 'burned by a failed login attempt',
  expired: 'expired unused',
  superseded: 'replaced by a newer one',
  password_set: 'no longer needed: a password was set',
  disabled: 'cancelled when the login was disabled',
};
const loginFailures: Record<string, string> = {
  wrong_password: 'wrong password',
  temporary_expired: 'the temporary password had expired',
  temporary_burned: 'the temporary password no longer worked',
  no_password: 'no password yet',
  disabled: 'the login is disabled',
  throttled: 'too many attempts, asked to wait',
};
const appSignInMethods: Record<string, string> = {
  password: 'with the password',
  'temporary password': 'with a temporary password, then chose a password',
  'password reset': 'after resetting the password by email',
  'single sign-on': 'without typing a password (already signed in)',
};
const detailLabels: Record<string, string> = {
  firstName: 'first name',
  lastName: 'last name',
  email: 'email',
  altEmail: 'second email',
  active: 'active in the directory',
};

function changesText(changes: unknown): string {
  if (typeof changes !== 'object' || changes === null) return '';
  const parts = Object.entries(changes as Details).map(([key, value]) => {
    const label = detailLabels[key] ?? 'details';
    if (typeof value === 'boolean') return `${label} ${value ? 'yes' : 'no'}`;
    return `${label} now ${value === null ? 'empty' : text(value)}`;
  });
  return parts.join(', ');
}

/**
 * Every event a client's history or the Home tab can show, in words staff use: a label, and the
 * details worth a glance. Ids, hashes and field names never appear.
 */
const describers: { readonly [T in LatchkeyEventType]: ((details: Details) => string) | null } = {
  ClientRegistered: (d) => `Added to the directory${d.email ? ` with email ${text(d.email)}` : ' without an email'}`,
  ClientDetailsChanged: (d) => `Directory details changed: ${changesText(d.changes)}`,
  ClientArchived: () => 'Removed from the directory',
  UserNameReserved: (d) => `User name ${text(d.userName)} taken for this client`,
  UserNameReleased: (d) => `User name ${text(d.userName)} given up`,
  LoginAssigned: (d) => `Login created with user name ${text(d.userName)}`,
  LoginRenamed: (d) => `User name changed from ${text(d.from)} to ${text(d.to)}`,
  TempPasswordIssued: (d) =>
    d.delivery === 'email'
      ? 'Temporary password issued for the credentials email'
      : 'Temporary password shown to staff',
  TempPasswordConsumed: () => 'Temporary password used to sign in',
  TempPasswordWithdrawn: (d) =>
    d.restored
      ? 'New temporary password withdrawn (Slack could not show it); the one before it works again'
      : 'New temporary password withdrawn (Slack could not show it)',
  TempPasswordBurned: (d) => `Temporary password ${burnReasons[String(d.reason)] ?? 'stopped working'}`,
  PermanentPasswordChosen: () => 'Chose their own password',
  PasswordChanged: () => 'Password changed',
  PasswordRehashed: () => 'Password storage upgraded',
  LoginSucceeded: (d) => (d.method === 'temporary' ? 'Signed in with the temporary password' : 'Signed in'),
  LoginFailed: (d) => `Sign-in failed: ${loginFailures[String(d.reason)] ?? 'refused'}`,
  PasswordResetRequested: () => 'Asked to reset the password',
  PasswordResetLinkIssued: () => 'Password reset link emailed',
  PasswordResetCompleted: () => 'Password reset',
  LoginDisabled: (d) => `Login disabled${typeof d.reason === 'string' && d.reason ? `: ${text(d.reason)}` : ''}`,
  LoginEnabled: () => 'Login enabled',
  SessionsRevoked: (d) => (d.reason === 'client' ? 'Signed out everywhere (by the client)' : 'Signed out everywhere'),
  SessionEnded: () => 'Logged out in one browser',
  CredentialsEmailRequested: (d) =>
    d.batchId ? 'Credentials email requested (bulk run)' : 'Credentials email requested',
  UserNameReminderRequested: () => 'Asked for a user name reminder',
  NewSignInNoticeRequested: () => 'New sign-in email requested',
  SessionStarted: (d) =>
    `Signed in on ${typeof d.browser === 'string' ? text(d.browser) : 'a browser'}${typeof d.os === 'string' ? ` on ${text(d.os)}` : ''}${d.keptSignedIn === true ? ' (kept signed in)' : ''}`,
  SessionSeen: null,
  ClientSignedInToApp: (d) =>
    `Signed in to ${typeof d.appName === 'string' ? text(d.appName) : 'an app'}${appSignInMethods[String(d.method)] ? ` ${appSignInMethods[String(d.method)]}` : ''}`,
  EmailSent: (d) => `Email sent${d.to ? ` to ${text(d.to)}` : ''}`,
  EmailSendFailed: (d) => `Email could not be sent${d.reason ? `: ${text(d.reason)}` : ''}`,
  EmailDelivered: () => 'Email delivered',
  EmailDeliveryFailed: (d) =>
    `Email ${d.severity === 'temporary' ? 'delayed' : 'could not be delivered'}${d.reason ? `: ${text(d.reason)}` : ''}`,
  EmailBounced: (d) => `Email bounced${d.reason ? `: ${text(d.reason)}` : ''}`,
  EmailComplained: () => 'Email marked as spam by the client',
  EmailUnsubscribed: () => 'Client unsubscribed from email',
  EmailSendDeferred: (d) => `Email not sent yet, will try again${d.retryAt ? ` after ${text(d.retryAt)}` : ''}`,
  EmailSuppressed: (d) => `Email not sent: the address is suppressed${d.reason ? ` (${text(d.reason)})` : ''}`,
  EmailSendSkipped: () => 'Email not sent: staff issued a newer temporary password by hand',
  EmailSuppressionLifted: () => 'Email address may be mailed again',
  BatchStarted: null,
  BatchProgressed: null,
  BatchCompleted: null,
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

/** Events with no sentence of their own (about no one client) read as the catalogue's label. */
export function describeEvent(type: string, details: Details = {}): string {
  const describe = isLatchkeyEventType(type) ? describers[type] : null;
  return describe ? describe(details) : describeEventType(type);
}
