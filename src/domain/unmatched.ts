import { scopedStream } from './business.ts';
/**
 * Requests that matched no login still leave a trace for auditors, but never the raw text:
 * an unknown "user name" is often a password typed into the wrong box. Only a keyed
 * fingerprint is kept, which lets auditors see repeats without learning what was typed.
 */
export type UnmatchedEvent =
  | { readonly type: 'UnknownUserNameLoginFailed'; readonly data: { readonly userNameFingerprint: string } }
  | {
      readonly type: 'PasswordResetRequestUnmatched';
      readonly data: { readonly userNameFingerprint: string; readonly emailFingerprint: string };
    }
  | { readonly type: 'UserNameReminderUnmatched'; readonly data: { readonly emailFingerprint: string } };

export const unmatchedStream = (businessId: string): string => scopedStream(businessId, 'unmatched-requests');
