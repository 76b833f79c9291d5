import type { CredentialView, TempOutcome } from './credentials.ts';

/** The login status on a client card, with its reason. Expiry is a matter of the clock, so it is derived at read time. */
export type LoginStatus =
  | { readonly kind: 'no_login' }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'temp_pending'; readonly expiresAt: string }
  | { readonly kind: 'temp_expired'; readonly expiredAt: string }
  | { readonly kind: 'must_choose_password' }
  | { readonly kind: 'reset_pending'; readonly expiresAt: string }
  | { readonly kind: 'active' }
  | { readonly kind: 'temp_burned'; readonly reason: TempOutcome; readonly at: string | null }
  | { readonly kind: 'no_password' };

export type LoginStatusKind = LoginStatus['kind'];

export function describeLoginStatus(credential: CredentialView | null, now: Date): LoginStatus {
  if (!credential) return { kind: 'no_login' };
  if (credential.disabled) return { kind: 'disabled' };
  if (credential.tempExpiresAt) {
    return Date.parse(credential.tempExpiresAt) > now.getTime()
      ? { kind: 'temp_pending', expiresAt: credential.tempExpiresAt }
      : { kind: 'temp_expired', expiredAt: credential.tempExpiresAt };
  }
  if (credential.resetExpiresAt && Date.parse(credential.resetExpiresAt) > now.getTime()) {
    return { kind: 'reset_pending', expiresAt: credential.resetExpiresAt };
  }
  if (credential.hasPassword) return { kind: 'active' };
  if (credential.mustChoosePassword) return { kind: 'must_choose_password' };
  if (credential.tempOutcome && credential.tempOutcome !== 'consumed') {
    return { kind: 'temp_burned', reason: credential.tempOutcome, at: credential.tempOutcomeAt };
  }
  return { kind: 'no_password' };
}

const burnReasons: Record<TempOutcome, string> = {
  consumed: 'used to sign in',
  burned_failed_attempt: 'burned by a failed login attempt',
  burned_expired: 'expired before it was used',
  burned_superseded: 'replaced by a newer one',
  burned_password_set: 'no longer needed: a password was set',
  burned_disabled: 'cancelled when the login was disabled',
  withdrawn_not_shown: 'withdrawn: Slack could not show it to staff',
};

/** Why a temporary password no longer works, in words. */
export function describeTempOutcome(outcome: TempOutcome): string {
  return burnReasons[outcome];
}

/** One line for people: the status and why. */
export function formatLoginStatus(status: LoginStatus): string {
  switch (status.kind) {
    case 'no_login':
      return 'No login';
    case 'disabled':
      return 'Disabled';
    case 'temp_pending':
      return `Temporary password pending, expires ${status.expiresAt}`;
    case 'temp_expired':
      return `Temporary password expired ${status.expiredAt}`;
    case 'must_choose_password':
      return 'Signed in with the temporary password; choosing a new password';
    case 'reset_pending':
      return `Password reset pending, link expires ${status.expiresAt}`;
    case 'active':
      return 'Active';
    case 'temp_burned':
      return `Temporary password ${describeTempOutcome(status.reason)}`;
    case 'no_password':
      return 'No password yet: issue or email a temporary password';
  }
}
