import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Clock } from '../app/clock.ts';

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
}

/** A session as a request presents it: which token it is, and until when it is good. */
export interface PresentedSession extends Session {
  readonly id: string;
  readonly expiresAt: string;
}

export interface SessionOptions {
  readonly secret: Uint8Array;
  /** The site's public origin: tokens from another deployment are refused. */
  readonly origin: string;
  readonly maxAgeSeconds: number;
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
  sv: z.number().int().nonnegative(),
  mc: z.boolean(),
  jti: z.string().min(1),
  exp: z.number().int(),
});

const audience = 'latchkey-client-site';

export function createSessions(options: SessionOptions): Sessions {
  const cookieOptions = { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' } as const;

  async function issueToken(session: Session): Promise<string> {
    const issuedAt = Math.floor(options.clock.now().getTime() / 1000);
    return new SignJWT({ sv: session.sessionVersion, mc: session.mustChoosePassword })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(session.clientId)
      .setIssuer(options.origin)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + options.maxAgeSeconds)
      .setJti(randomBytes(16).toString('base64url'))
      .sign(options.secret);
  }

  async function verifyToken(token: string): Promise<PresentedSession | null> {
    try {
      // The algorithm list is explicit so a token cannot choose its own (alg=none, key confusion).
      const { payload } = await jwtVerify(token, options.secret, {
        algorithms: ['HS256'],
        issuer: options.origin,
        audience,
        maxTokenAge: options.maxAgeSeconds,
        currentDate: options.clock.now(),
        requiredClaims: ['exp', 'iat'],
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) return null;
      const { sub, sv, mc, jti, exp } = claims.data;
      return {
        clientId: sub,
        sessionVersion: sv,
        mustChoosePassword: mc,
        id: jti,
        expiresAt: new Date(exp * 1000).toISOString(),
      };
    } catch {
      return null;
    }
  }

  return {
    async current(c) {
      const token = getCookie(c, sessionCookieName);
      const session = token ? await verifyToken(token) : null;
      // A password change, reset, disable or "log out everywhere" moves the version on, and
      // every token issued before it stops here.
      // "Log out" in one browser ends that token alone, copies of it included.
      if (!session || options.currentSessionVersion(session.clientId) !== session.sessionVersion) return null;
      return options.isSessionEnded(session.id) ? null : session;
    },
    async start(c, session) {
      setCookie(c, sessionCookieName, await issueToken(session), { ...cookieOptions, maxAge: options.maxAgeSeconds });
    },
    end(c) {
      deleteCookie(c, sessionCookieName, cookieOptions);
    },
  };
}
