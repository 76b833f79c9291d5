import { scopedStream } from './business.ts';
/**
 * The browsers a client is signed in on, stream `sessions-<clientId>`: what the account page lists
 * and what the idle timeout reads. A session is named by a keyed fingerprint of its id, never by
 * the id or the token; the browser by its family only, never the raw User-Agent.
 */
export interface DeviceFamily {
  /** "Chrome", "Firefox", … or "Unknown browser". */
  readonly browser: string;
  /** "Windows", "iOS", … or "Unknown system". */
  readonly os: string;
}

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
    };

export const sessionStream = (businessId: string, clientId: string): string =>
  scopedStream(businessId, `sessions-${clientId}`);
