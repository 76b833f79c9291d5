import { describeTempOutcome, formatLoginStatus, type LoginStatus } from '../../projections/login-status.ts';
import type { CredentialView } from '../../projections/credentials.ts';
import { readableTime } from './time.ts';

/** The login status with its reason, dates in the business's time zone. */
export function loginStatusText(status: LoginStatus, timeZone: string): string {
  const slackDate = (iso: string) => readableTime(iso, timeZone);
  switch (status.kind) {
    case 'temp_pending':
      return `Temporary password pending, expires ${slackDate(status.expiresAt)}`;
    case 'temp_expired':
      return `Temporary password expired ${slackDate(status.expiredAt)}`;
    case 'reset_pending':
      return `Password reset pending, link expires ${slackDate(status.expiresAt)}`;
    case 'temp_burned':
      return `Temporary password ${describeTempOutcome(status.reason)}${status.at ? ` (${slackDate(status.at)})` : ''}`;
    default:
      return formatLoginStatus(status);
  }
}

export const statusEmoji: Record<LoginStatus['kind'], string> = {
  no_login: ':white_circle:',
  no_password: ':white_circle:',
  temp_pending: ':hourglass_flowing_sand:',
  must_choose_password: ':hourglass_flowing_sand:',
  reset_pending: ':large_green_circle:',
  active: ':large_green_circle:',
  temp_expired: ':red_circle:',
  temp_burned: ':fire:',
  disabled: ':no_entry:',
};

const emailStates: Record<string, string> = {
  requested: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  failed: 'failed',
  skipped: 'not sent: a newer password was issued by hand',
  bounced: 'bounced',
  complained: 'marked as spam',
  deferred: 'delayed, still trying',
  unsubscribed: 'unsubscribed',
};

export function lastEmailText(credential: CredentialView | null, timeZone: string): string {
  if (!credential?.lastEmailAt) return 'none';
  const state = credential.lastEmailState
    ? (emailStates[credential.lastEmailState] ?? credential.lastEmailState)
    : 'unknown';
  return `${readableTime(credential.lastEmailAt, timeZone)} (${state})`;
}
