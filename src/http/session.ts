import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Clock } from '../app/clock.ts';
import type { AppSignInMethod } from '../domain/session.ts';

/**
 * `__Host-` binds the cookie to this exact origin (Secure, Path=/, no Domain), so a sibling
 * subdomain can neither read nor plant it.
 */
export const sessionCookieName = '__Host-latchkey';

/** What a session proves. No personal data: the token is readable by whoever holds it. */
export interface Session {
  readonly clientId: string;
  readonly sessionVersion: number;
  /** Signed in with a temporary password: only "choose your new password" is open. */
  readonly mustChoosePassword: boolean;
  /** "Keep me signed in on this device": a longer session, in a cookie that outlives the browser window. */
  readonly keptSignedIn?: boolean;
  /**
   * This session was started by a login (or a password choice, or a reset) made to carry on a
   * portal's sign-in: that interaction's path, and how the client proved who she was. The portal's
   * sign-in is then recorded with that method; any later sign-in through this session is single sign-on.
   */
  readonly signedInFor?: SignedInFor;
}

export interface SignedInFor {
  readonly interaction: string;
  readonly method: Exclude<AppSignInMethod, 'single sign-on'>;
}

/** A session as a request presents it: which token it is, and until when it is good. */
export interface PresentedSession extends Session {
  readonly id: string;
  readonly expiresAt: string;
  readonly issuedAt: string;
  readonly keptSignedIn: boolean;
}

/** Where sessions are recorded, for the account page's list and the idle timeout. */
export interface SessionActivity {
  /** When the session was last recorded as used, or null when it never was (a token older than the list). */
  lastSeenAt(session: PresentedSession): string | null;
  started(c: Context, session: PresentedSession): Promise<void>;
  seen(session: PresentedSession): Promise<void>;
}

export interface SessionOptions {
  readonly secret: Uint8Array;
  /** The business's public origin: tokens from another deployment or business are refused. */
  readonly origin: string;
  /** The business the site answers for: its id is signed into every token, and checked on each. */
  readonly businessId: string;
  readonly maxAgeSeconds: number;
  readonly keepSignedInSeconds: number;
  /** A session that is not kept ends after this long unused; null for none. */
  readonly idleTimeoutSeconds: number | null;
  readonly activity: SessionActivity;
  readonly clock: Clock;
  /** The client's session version now, or null when the login is gone or disabled. */
  readonly currentSessionVersion: (clientId: string) => number | null;
  /** Whether this one session was ended by "log out". */
  readonly isSessionEnded: (sessionId: string) => boolean;
}

export interface Sessions {
  /** The valid session on this request, or null: bad, expired and revoked tokens all read as none. */
  current(c: Context): Promise<PresentedSession | null>;
  /** Sets a fresh token; called at every login and after every password change. */
  start(c: Context, session: Session): Promise<void>;
  end(c: Context): void;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  bid: z.string().min(1),
  sv: z.number().int().nonnegative(),
  mc: z.boolean(),
  ks: z.boolean().optional(),
  si: z.object({ i: z.string().min(1), m: z.enum(['password', 'temporary password', 'password reset']) }).optional(),
  jti: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
});

const audience = 'latchkey-client-site';

export function createSessions(options: SessionOptions): Sessions {
  const cookieOptions = { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' } as const;

  const lifetimeSeconds = (kept: boolean) => (kept ? options.keepSignedInSeconds : options.maxAgeSeconds);
  // "Last seen" is recorded at most this often; with an idle timeout, often enough to keep within it.
  const seenIntervalSeconds = options.idleTimeoutSeconds === null ? 300 : Math.min(60, options.idleTimeoutSeconds / 4);

  async function issueToken(session: Session): Promise<{ token: string; presented: PresentedSession }> {
    const issuedAt = Math.floor(options.clock.now().getTime() / 1000);
    const keptSignedIn = session.keptSignedIn === true;
    const expiresAt = issuedAt + lifetimeSeconds(keptSignedIn);
    const id = randomBytes(16).toString('base64url');
    const token = await new SignJWT({
      bid: options.businessId,
      sv: session.sessionVersion,
      mc: session.mustChoosePassword,
      ks: keptSignedIn,
      ...(session.signedInFor ? { si: { i: session.signedInFor.interaction, m: session.signedInFor.method } } : {}),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(session.clientId)
      .setIssuer(options.origin)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(id)
      .sign(options.secret);
    const presented = {
      clientId: session.clientId,
      sessionVersion: session.sessionVersion,
      mustChoosePassword: session.mustChoosePassword,
      keptSignedIn,
      ...(session.signedInFor ? { signedInFor: session.signedInFor } : {}),
      id,
      issuedAt: new Date(issuedAt * 1000).toISOString(),
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    };
    return { token, presented };
  }

  async function verifyToken(token: string): Promise<PresentedSession | null> {
    try {
      // The algorithm list is explicit so a token cannot choose its own (alg=none, key confusion).
      const { payload } = await jwtVerify(token, options.secret, {
        algorithms: ['HS256'],
        issuer: options.origin,
        audience,
        maxTokenAge: Math.max(options.maxAgeSeconds, options.keepSignedInSeconds),
        currentDate: options.clock.now(),
        requiredClaims: ['exp', 'iat'],
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) return null;
      const { bid, sub, sv, mc, ks, si, jti, iat, exp } = claims.data;
      // Client ids repeat across businesses: a session is good only on its own business's site.
      if (bid !== options.businessId) return null;
      const keptSignedIn = ks === true;
      // The claim says how long this token may live: a short one cannot pass for a kept one.
      if (exp - iat > lifetimeSeconds(keptSignedIn)) return null;
      return {
        clientId: sub,
        sessionVersion: sv,
        mustChoosePassword: mc,
        keptSignedIn,
        ...(si ? { signedInFor: { interaction: si.i, method: si.m } } : {}),
        id: jti,
        issuedAt: new Date(iat * 1000).toISOString(),
        expiresAt: new Date(exp * 1000).toISOString(),
      };
    } catch {
      return null;
    }
  }

  /** Ends a session unused for the idle timeout (kept ones excepted); otherwise records that it was used. */
  async function isIdle(session: PresentedSession): Promise<boolean> {
    const nowMs = options.clock.now().getTime();
    const lastSeenMs = Date.parse(options.activity.lastSeenAt(session) ?? session.issuedAt);
    const idleMs = nowMs - lastSeenMs;
    if (options.idleTimeoutSeconds !== null && !session.keptSignedIn && idleMs > options.idleTimeoutSeconds * 1000)
      return true;
    if (idleMs >= seenIntervalSeconds * 1000) await options.activity.seen(session);
    return false;
  }

  return {
    async current(c) {
      const token = getCookie(c, sessionCookieName);
      const session = token ? await verifyToken(token) : null;
      // A password change, reset, disable or "log out everywhere" moves the version on, and
      // every token issued before it stops here.
      // "Log out" in one browser ends that token alone, copies of it included.
      if (!session || options.currentSessionVersion(session.clientId) !== session.sessionVersion) return null;
      if (options.isSessionEnded(session.id)) return null;
      return (await isIdle(session)) ? null : session;
    },
    async start(c, session) {
      const { token, presented } = await issueToken(session);
      // A session that is not kept lives in a browser-session cookie: closing the browser ends it.
      const lifetime = presented.keptSignedIn ? { maxAge: lifetimeSeconds(true) } : {};
      setCookie(c, sessionCookieName, token, { ...cookieOptions, ...lifetime });
      await options.activity.started(c, presented);
    },
    end(c) {
      deleteCookie(c, sessionCookieName, cookieOptions);
    },
  };
}
