import { scopedStream } from './business.ts';
/**
 * The browsers a client is signed in on, and the apps she signed in to through Latchkey, stream
 * `sessions-<clientId>`: what the account page lists and what the idle timeout reads. A session is named by a keyed fingerprint of its id, never by
 * the id or the token; the browser by its family only, never the raw User-Agent.
 */
export interface DeviceFamily {
  /** "Chrome", "Firefox", … or "Unknown browser". */
  readonly browser: string;
  /** "Windows", "iOS", … or "Unknown system". */
  readonly os: string;
}

/**
 * How a client proved who she was for one sign-in to an app: she typed her password, she logged in
 * with a temporary password and chose a password, she chose a new password through an emailed
 * reset link, or she typed nothing because this browser was already signed in (single sign-on).
 */
export type AppSignInMethod = 'password' | 'temporary password' | 'password reset' | 'single sign-on';

export const appSignInMethods: readonly AppSignInMethod[] = [
  'password',
  'temporary password',
  'password reset',
  'single sign-on',
];

export type SessionEvent =
  | {
      readonly type: 'SessionStarted';
      readonly data: DeviceFamily & {
        readonly clientId: string;
        readonly sessionFingerprint: string;
        readonly expiresAt: string;
        /** "Keep me signed in on this device": a longer session that the idle timeout leaves alone. */
        readonly keptSignedIn: boolean;
      };
    }
  | {
      /** The session was used again (recorded at most once per interval, for "last seen" and the idle timeout). */
      readonly type: 'SessionSeen';
      readonly data: { readonly clientId: string; readonly sessionFingerprint: string };
    }
  | {
      /**
       * The business's OpenID Connect provider signed the client in to one of its apps (a code was
       * issued to the app). Never the code, a token or a session id; the time is the event's own.
       */
      readonly type: 'ClientSignedInToApp';
      readonly data: {
        readonly clientId: string;
        readonly appId: string;
        /** The app's name when she signed in (staff may rename or remove it later). */
        readonly appName: string | null;
        readonly method: AppSignInMethod;
      };
    };

export const sessionStream = (businessId: string, clientId: string): string =>
  scopedStream(businessId, `sessions-${clientId}`);
