import type { OidcHost } from '../oidc/hosting.ts';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { App } from '../app/context.ts';
import { HashingBusyError } from '../app/password-hasher.ts';
import { EventStoreUnavailableError } from '../eventstore/port.ts';
import type { Logger } from '../logger.ts';
import type { DeviceCookie } from './device-cookie.ts';
import type { PresentedSession, Session, Sessions } from './session.ts';
import type { Chrome } from './views/layout.tsx';
import { redirectAfterPost, sendMain } from './views/render.tsx';

/** Everything the client pages share, built once per HTTP app. */
export interface Site {
  readonly app: App;
  readonly chrome: Chrome;
  readonly sessions: Sessions;
  readonly devices: DeviceCookie;
  /** Headers, body limit, CSRF and per-IP limit, in that order: every client route runs them. */
  readonly guards: readonly MiddlewareHandler[];
  readonly logger?: Logger;
  /** The business's OpenID Connect provider, when the server runs one (built on first use). */
  readonly oidc?: () => Promise<OidcHost>;
}

export type SiteEnv = { Variables: { session: PresentedSession } };

/** How long a client should wait when password hashing is saturated. */
const busyRetryAfterSeconds = 5;

/**
 * One sub-app per page, each mounted under its own path, so its guards cover its own routes
 * and never /slack/* or /webhooks/* (a `use('*')` on a sub-app mounted at '/' would).
 */
export function newClientRoutes(site: Site): Hono<SiteEnv> {
  const routes = new Hono<SiteEnv>();
  routes.use('*', ...site.guards);
  routes.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) {
      return sendProblem(
        c,
        site,
        403,
        'This form was sent from another site',
        'For your safety we only accept forms sent from this site. Go back, reload the page and try again.',
      );
    }
    if (error instanceof HTTPException && error.status === 413) {
      return sendProblem(
        c,
        site,
        413,
        'That was too much to send',
        'What you sent is larger than any form here needs. Go back and try again.',
      );
    }
    if (error instanceof HashingBusyError) return sendBusy(c, site);
    if (isStorageFailure(error)) return sendStorageUnavailable(c, site, error);
    site.logger?.error({ err: error, path: routePath(c) }, 'client page failed');
    return sendProblem(
      c,
      site,
      500,
      'Something went wrong',
      'Try again in a minute; if it keeps happening, contact us.',
    );
  });
  return routes;
}

/** How long a client should wait when the store cannot take a write (a full disk, a damaged file). */
const storageRetryAfterSeconds = 30;

/**
 * The store or a read model could not be used: the log is untouched and the request can be sent
 * again once the disk has room or the store is back, so the client gets a 503, never a 500 page.
 */
function isStorageFailure(error: unknown): error is Error {
  if (error instanceof EventStoreUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|CORRUPT|NOTADB|CANTOPEN|READONLY)/.test(code);
}

function sendStorageUnavailable(c: Context, site: Site, error: Error) {
  site.logger?.error({ path: routePath(c), problem: error.message }, 'storage unavailable; answered 503');
  return sendProblem(
    c,
    site,
    503,
    'We cannot sign you in right now',
    `Our system is briefly unable to save anything. Nothing you sent was lost or half-done. Wait ${storageRetryAfterSeconds} seconds and try again.`,
    { 'Retry-After': String(storageRetryAfterSeconds) },
  );
}

export function sendBusy(c: Context, site: Site) {
  site.logger?.warn({ path: routePath(c) }, 'password hashing queue full; answered 503');
  return sendProblem(
    c,
    site,
    503,
    'We are busy right now',
    `Too many people are signing in at once. Wait ${busyRetryAfterSeconds} seconds and try again.`,
    {
      'Retry-After': String(busyRetryAfterSeconds),
    },
  );
}

/**
 * A problem that is not about one field. For htmx the message replaces the page's main content
 * (HX-Retarget), since the form it came from may not fit it.
 */
export function sendProblem(
  c: Context,
  site: Site,
  status: 403 | 404 | 413 | 429 | 500 | 503,
  title: string,
  message: string,
  headers: Record<string, string> = {},
) {
  const content = (
    <>
      <h1>{title}</h1>
      <div class="alert" role="alert">
        <p>{message}</p>
      </div>
      <ul class="links">
        <li>
          <a href={backLink(c)}>Try again</a>
        </li>
        <li>
          <a href="/login">Back to log in</a>
        </li>
      </ul>
    </>
  );
  return sendMain(c, site.chrome, { status, title: `Error: ${title}`, content, headers });
}

/** Back to the page the form was on; the reset link's token is not repeated anywhere else. */
function backLink(c: Context): string {
  const path = c.req.path;
  return path.startsWith('/reset/')
    ? path
    : path.startsWith('/account')
      ? '/account'
      : path === '/logout'
        ? '/'
        : path.replace(/\/sent$/, '');
}

/** Logged without the reset token, which sits in the path. */
function routePath(c: Context): string {
  return c.req.path.startsWith('/reset/') ? '/reset/:token' : c.req.path;
}

/**
 * Pages behind a login. A temporary-password session opens "choose your new password" and
 * log out, nothing else; a full session never sees the choose page.
 */
export function requireSession(site: Site, kind: 'full' | 'must-choose'): MiddlewareHandler<SiteEnv> {
  return async function requireSession(c, next) {
    const session = await site.sessions.current(c);
    if (!session) return redirectAfterPost(c, '/login');
    if (session.mustChoosePassword && kind === 'full') return redirectAfterPost(c, '/choose-password');
    if (!session.mustChoosePassword && kind === 'must-choose') return redirectAfterPost(c, '/account');
    c.set('session', session);
    return next();
  };
}

export const clientActor = (session: Session) => ({ kind: 'client', id: session.clientId }) as const;
