import type { TempPasswordDelivery } from './events.ts';
import type { ThrottlePolicy } from './throttle.ts';

/**
 * What checking a typed password against the login found; the hashing happens in the app. Each
 * kind names the secret it was checked against, because the stream may move on while it hashes
 * (staff issue a temporary password, the relay mints one): the decider then counts the attempt
 * for that secret only, never for one it was not compared with.
 */
export type PasswordMatch =
  /** `passwordVersion`: the login's permanent password when it was checked (a rehash keeps it). */
  | { readonly kind: 'permanent_matched'; readonly passwordVersion: number; readonly rehash: string | null }
  | { readonly kind: 'temporary_matched'; readonly tempPasswordId: string }
  /** The password of an older email, replaced by a newer one but not yet expired. */
  | { readonly kind: 'superseded_matched'; readonly tempPasswordId: string }
  /**
   * `couldBeTemporary`: the typed text had the shape of a temporary password (it may burn one).
   * `checkedTempPasswordId`: the temporary password it was compared with, if one was pending.
   */
  | { readonly kind: 'no_match'; readonly couldBeTemporary: boolean; readonly checkedTempPasswordId: string | null };

export interface LoginRules {
  /** Failed attempts that burn a pending temporary password (the business's rule: 1). */
  readonly tempPasswordMaxFailures: number;
  /** Whether a permanent password keeps working while a temporary one is pending. */
  readonly permanentWorksWhileTempPending: boolean;
  readonly throttle: ThrottlePolicy;
}

export type CredentialCommand =
  | { readonly type: 'AssignLogin'; readonly clientId: string; readonly userName: string }
  | {
      readonly type: 'IssueTempPassword';
      readonly tempPasswordId: string;
      readonly secretHash: string;
      readonly expiresAt: string;
      readonly delivery: TempPasswordDelivery;
      readonly requestId?: string;
    }
  /** `restoreTempPasswordId`: the one the withdrawn password replaced, pending again if it has not expired. */
  | {
      readonly type: 'WithdrawTempPassword';
      readonly tempPasswordId: string;
      readonly restoreTempPasswordId: string | null;
      readonly now: string;
    }
  | {
      readonly type: 'RecordLoginAttempt';
      readonly check: PasswordMatch;
      readonly rules: LoginRules;
      readonly now: string;
      /** The fingerprint of a valid device cookie the browser showed, if any. */
      readonly deviceFingerprint?: string;
      /** Set when a password login from a browser with no device cookie should email the client. */
      readonly newSignInNotice?: { readonly requestId: string; readonly browser: string; readonly os: string };
    }
  | { readonly type: 'RecordThrottledAttempt' }
  | { readonly type: 'ChoosePermanentPassword'; readonly passwordHash: string; readonly sameAsTemporary: boolean }
  | { readonly type: 'ChangePassword'; readonly passwordHash: string }
  | {
      readonly type: 'RequestPasswordReset';
      readonly requestId: string;
      readonly now: string;
      readonly cooldownSeconds: number;
    }
  | {
      readonly type: 'IssueResetLink';
      readonly tokenId: string;
      readonly secretHash: string;
      readonly expiresAt: string;
      readonly requestId: string;
    }
  | {
      readonly type: 'CompleteReset';
      readonly tokenId: string;
      readonly secretMatches: boolean;
      readonly passwordHash: string;
      readonly now: string;
    }
  | { readonly type: 'DisableLogin'; readonly reason: string | null }
  | { readonly type: 'EnableLogin' }
  | { readonly type: 'RevokeSessions'; readonly by: 'staff' | 'client' }
  | { readonly type: 'EndSession'; readonly sessionFingerprint: string; readonly expiresAt: string }
  | { readonly type: 'RequestCredentialsEmail'; readonly requestId: string; readonly batchId?: string }
  | {
      readonly type: 'RequestUserNameReminder';
      readonly requestId: string;
      readonly now: string;
      readonly cooldownSeconds: number;
    };
