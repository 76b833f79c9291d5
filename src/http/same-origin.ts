import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

export interface SameOriginOptions {
  /** The site's public origin: behind a proxy the request URL is the internal one. */
  readonly origin: string;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses every state-changing request that a browser did not send from our own pages, whatever
 * its content type. `hono/csrf` checks only the form content types a plain HTML form can send,
 * but a cross-site `fetch` with `application/json` to /logout still arrives with the victim's
 * cookie (SameSite=Lax stops it only on another *site*, not on a sibling subdomain), and our
 * routes act on the cookie, not on the body.
 *
 * A browser that sends Sec-Fetch-Site is believed: only `same-origin` passes. Without it
 * (older browsers), the Origin must be ours. Neither header: refused, since every browser
 * we serve sends at least one on a POST.
 */
export function sameOriginPosts({ origin }: SameOriginOptions): MiddlewareHandler {
  return async function sameOriginPosts(c, next) {
    if (
      !safeMethods.has(c.req.method) &&
      !isFromOurPages(c.req.header('sec-fetch-site'), c.req.header('origin'), origin)
    )
      throw new HTTPException(403, { res: new Response('Forbidden', { status: 403 }) });
    await next();
  };
}

export function isFromOurPages(secFetchSite: string | undefined, requestOrigin: string | undefined, ours: string) {
  if (secFetchSite !== undefined) return secFetchSite === 'same-origin';
  return requestOrigin === ours;
}
