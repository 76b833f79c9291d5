import { scopedStream } from '../business.ts';
/**
 * The login lifecycle of one client, stream `credential-<clientId>`. Events hold peppered
 * hashes and ids only: never a password, temporary password or reset token.
 */

export type TempPasswordBurnReason = 'failed_attempt' | 'expired' | 'superseded' | 'password_set' | 'disabled';
export type LoginFailureReason =
  | 'wrong_password'
  | 'temporary_expired'
  | 'temporary_burned'
  /** The password of an older credentials email, replaced by a newer one: not counted as a failure. */
  | 'temporary_superseded'
  | 'no_password'
  | 'disabled'
  | 'throttled';
export type TempPasswordDelivery = 'shown_to_staff' | 'email';

export type CredentialEvent =
  | { readonly type: 'LoginAssigned'; readonly data: { readonly clientId: string; readonly userName: string } }
  | {
      readonly type: 'LoginRenamed';
      readonly data: { readonly clientId: string; readonly from: string; readonly to: string };
    }
  | {
      readonly type: 'TempPasswordIssued';
      readonly data: {
        readonly clientId: string;
        readonly tempPasswordId: string;
        /** HMAC-SHA256 of the generated secret under the server's pepper. */
        readonly secretHash: string;
        readonly expiresAt: string;
        readonly delivery: TempPasswordDelivery;
        /** The mail request this was minted for, when it was emailed. */
        readonly requestId?: string;
      };
    }
  | {
      readonly type: 'TempPasswordConsumed';
      readonly data: { readonly clientId: string; readonly tempPasswordId: string };
    }
  | {
      readonly type: 'TempPasswordBurned';
      readonly data: {
        readonly clientId: string;
        readonly tempPasswordId: string;
        readonly reason: TempPasswordBurnReason;
      };
    }
  | {
      /**
       * A temporary password that Slack would not show to the staff member who asked for it,
       * taken back so that no unseen password is the login's only one. When it had replaced an
       * earlier one that had not expired, that one is pending again (its id and expiry only: its
       * keyed hash is already in the log).
       */
      readonly type: 'TempPasswordWithdrawn';
      readonly data: {
        readonly clientId: string;
        readonly tempPasswordId: string;
        readonly reason: 'not_shown';
        readonly restored: { readonly tempPasswordId: string; readonly expiresAt: string } | null;
      };
    }
  | {
      readonly type: 'PermanentPasswordChosen';
      readonly data: { readonly clientId: string; readonly passwordHash: string };
    }
  | { readonly type: 'PasswordChanged'; readonly data: { readonly clientId: string; readonly passwordHash: string } }
  | { readonly type: 'PasswordRehashed'; readonly data: { readonly clientId: string; readonly passwordHash: string } }
  | {
      readonly type: 'LoginSucceeded';
      readonly data: {
        readonly clientId: string;
        readonly method: 'password' | 'temporary';
        /**
         * True when the browser showed a valid device cookie of this login: the account-wide
         * failure count is then left as it was, so the client's own logins do not hand a stranger
         * fresh free tries. Absent on version-1 events (no device cookies then).
         */
        readonly knownDevice?: boolean;
      };
    }
  | {
      readonly type: 'LoginFailed';
      readonly data: {
        readonly clientId: string;
        readonly reason: LoginFailureReason;
        /**
         * False when the failure did not count against the pending temporary password: the typed
         * text could not have been one, or it was checked against another one (issued or used while
         * it was hashed). Written when a temporary password was pending; version-1 events, which all
         * counted, are upcast to true.
         */
        readonly couldBeTemporary?: boolean;
        /**
         * A try from a browser with a valid device cookie: a keyed fingerprint of the device id (never
         * the cookie), counted against that device's own budget instead of the account-wide backoff.
         */
        readonly deviceFingerprint?: string;
      };
    }
  | {
      readonly type: 'PasswordResetRequested';
      readonly data: { readonly clientId: string; readonly requestId: string };
    }
  | {
      readonly type: 'PasswordResetLinkIssued';
      readonly data: {
        readonly clientId: string;
        readonly tokenId: string;
        readonly secretHash: string;
        readonly expiresAt: string;
        readonly requestId: string;
      };
    }
  | {
      readonly type: 'PasswordResetCompleted';
      readonly data: { readonly clientId: string; readonly tokenId: string; readonly passwordHash: string };
    }
  | { readonly type: 'LoginDisabled'; readonly data: { readonly clientId: string; readonly reason: string | null } }
  | { readonly type: 'LoginEnabled'; readonly data: { readonly clientId: string } }
  | {
      readonly type: 'SessionsRevoked';
      readonly data: { readonly clientId: string; readonly reason: 'staff' | 'client' };
    }
  | {
      readonly type: 'SessionEnded';
      /** One browser logged out: a keyed fingerprint of the session's id, never the token. */
      readonly data: { readonly clientId: string; readonly sessionFingerprint: string; readonly expiresAt: string };
    }
  | {
      readonly type: 'CredentialsEmailRequested';
      readonly data: { readonly clientId: string; readonly requestId: string; readonly batchId?: string };
    }
  | {
      readonly type: 'UserNameReminderRequested';
      readonly data: { readonly clientId: string; readonly requestId: string };
    }
  | {
      /** A permanent-password login from a browser with no device cookie: the client is told by email. */
      readonly type: 'NewSignInNoticeRequested';
      readonly data: {
        readonly clientId: string;
        readonly requestId: string;
        readonly browser: string;
        readonly os: string;
      };
    };

export type CredentialEventType = CredentialEvent['type'];

export const credentialStream = (businessId: string, clientId: string): string =>
  scopedStream(businessId, `credential-${clientId}`);

/**
 * Whether every session issued before the event ends with it (the session version moves on, and a
 * pending "choose your password" goes with the session that had it). The state, the read model
 * and so every session check read this one table.
 */
export const endsSessions = {
  LoginAssigned: false,
  LoginRenamed: false,
  TempPasswordIssued: false,
  TempPasswordConsumed: false,
  TempPasswordBurned: false,
  TempPasswordWithdrawn: false,
  PermanentPasswordChosen: true,
  PasswordChanged: true,
  PasswordRehashed: false,
  LoginSucceeded: false,
  LoginFailed: false,
  PasswordResetRequested: false,
  PasswordResetLinkIssued: false,
  PasswordResetCompleted: true,
  LoginDisabled: true,
  LoginEnabled: false,
  SessionsRevoked: true,
  // One browser's session, by its fingerprint; the others go on.
  SessionEnded: false,
  CredentialsEmailRequested: false,
  UserNameReminderRequested: false,
  NewSignInNoticeRequested: false,
} as const satisfies Record<CredentialEventType, boolean>;
