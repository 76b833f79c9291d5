import type { MiddlewareHandler } from 'hono';

/** The part of a business the site needs to answer for it. */
export interface HostedBusiness {
  readonly businessId: string;
  readonly publicOrigin: string;
  readonly suspended: boolean;
}

/**
 * The host a browser names in its Host header, as an origin's host is written: lower case, and
 * without the scheme's default port (`Login.Example:443` on https is `login.example`). Null when
 * the header is missing or is not a plain host[:port].
 */
export function normaliseHost(header: string | undefined, scheme: 'http:' | 'https:'): string | null {
  if (header === undefined) return null;
  const host = header.trim().toLowerCase();
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host)) return null;
  const defaultPort = scheme === 'https:' ? ':443' : ':80';
  return host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host;
}

/**
 * Finds the business that answers on a Host, among the configured origins only. The scheme is
 * the origin's own: behind a proxy that ends TLS the request arrives over plain http, but the
 * host is still the one the browser opened.
 */
export function businessForHost<B extends HostedBusiness>(
  header: string | undefined,
  businesses: Iterable<B>,
): B | null {
  for (const business of businesses) {
    const origin = new URL(business.publicOrigin);
    const host = normaliseHost(header, origin.protocol === 'https:' ? 'https:' : 'http:');
    if (host !== null && host === origin.host) return business;
  }
  return null;
}

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]']);
const defaultPortOf = (protocol: string) => (protocol === 'https:' ? '443' : '80');

/**
 * The business a loopback Host stands for when it names the machine another way than the
 * business's origin does: `127.0.0.1:3000` or `[::1]:3000` for `http://localhost:3000` (and the
 * other way round), on the same port. Only origins on the loopback names have aliases, so a
 * deployment on a real domain has none.
 */
export function loopbackAliasFor<B extends HostedBusiness>(
  header: string | undefined,
  businesses: Iterable<B>,
): B | null {
  for (const business of businesses) {
    const origin = new URL(business.publicOrigin);
    if (!loopbackNames.has(origin.hostname)) continue;
    const scheme = origin.protocol === 'https:' ? 'https:' : 'http:';
    const host = normaliseHost(header, scheme);
    if (host === null) continue;
    const [, name, port] = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host) ?? [];
    if (name === undefined || !loopbackNames.has(name) || name === origin.hostname) continue;
    if ((port ?? defaultPortOf(scheme)) === (origin.port || defaultPortOf(scheme))) return business;
  }
  return null;
}

export type BusinessEnv<B extends HostedBusiness> = { Variables: { business: B } };

/**
 * Picks the business of each request from its Host. An unknown host gets a plain 404 that names
 * no business, never a default one: a request for a host Latchkey does not serve must not learn
 * which businesses it does. A loopback alias of a business on localhost (`127.0.0.1:3000` for
 * `http://localhost:3000`, as a developer types it) is sent to the business's own origin with a
 * 308, so its cookies, forms and links stay on the one origin they are made for.
 */
export function pickBusinessByHost<B extends HostedBusiness>(
  businesses: () => Iterable<B>,
): MiddlewareHandler<BusinessEnv<B>> {
  return async function pickBusinessByHost(c, next) {
    const business = businessForHost(c.req.header('host'), businesses());
    if (business === null) {
      const aliased = loopbackAliasFor(c.req.header('host'), businesses());
      if (aliased !== null) {
        const url = new URL(c.req.url);
        const target = new URL(`${url.pathname}${url.search}`, aliased.publicOrigin).href;
        return c.text(`This site is at ${target}\n`, 308, { Location: target, 'Cache-Control': 'no-store' });
      }
      return c.text('Not Found', 404, { 'Cache-Control': 'no-store' });
    }
    c.set('business', business);
    await next();
  };
}
