import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { interactionTtlSeconds } from '../oidc/routes.ts';
import { safeReturn } from './routes/oidc-interaction.ts';

/** A portal's sign-in waits no longer than this for the client: a return kept longer would lead to an expired one. */
export const portalReturnMaxAgeSeconds = interactionTtlSeconds;

/** A link within the site that keeps a portal's sign-in (already checked with `safeReturn`) going. */
export function withReturn(path: string, returnTo: string | null | undefined): string {
  return returnTo ? `${path}?return=${encodeURIComponent(returnTo)}` : path;
}

export interface PortalReturnCookie {
  /** The return this browser asked for a reset link with, checked again as it is read. */
  read(c: Context): string | null;
  write(c: Context, returnTo: string): void;
  clear(c: Context): void;
}

/**
 * A reset link goes by email and may be opened days later or on another device, so it never
 * carries the return: asking for the link leaves it in this browser instead, for as long as the
 * portal's sign-in can wait. A reset finished in the same browser goes back to the portal; one
 * finished anywhere else goes to the account page, as every reset does. Like the device cookie,
 * it is a `__Host-` cookie on https and a plain one on a plain-http development origin.
 */
export function createPortalReturnCookie(publicOrigin: string): PortalReturnCookie {
  const secure = new URL(publicOrigin).protocol === 'https:';
  const name = secure ? '__Host-latchkey-return' : 'latchkey-return';
  const options = { httpOnly: true, secure, sameSite: 'Lax', path: '/' } as const;
  return {
    read: (c) => safeReturn(getCookie(c, name)),
    write: (c, returnTo) => setCookie(c, name, returnTo, { ...options, maxAge: portalReturnMaxAgeSeconds }),
    clear: (c) => deleteCookie(c, name, options),
  };
}
