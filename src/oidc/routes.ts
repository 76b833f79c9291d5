import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import type Provider from 'oidc-provider';

/** Where each business's provider answers, on the business's own host. */
export const oidcMountPath = '/oidc';

/**
 * The site's route (src/http/routes/login.tsx) that a portal's log-out confirms through: it ends
 * the Latchkey session, then sends the confirmation on to the provider with a 307.
 */
export const portalLogoutPath = '/logout/portal';

/** How long a portal's sign-in waits for the client at Latchkey's pages (the provider's interaction). */
export const interactionTtlSeconds = 600;

/**
 * The provider is a Koa app of its own: the raw Node request and response from
 * @hono/node-server are handed to it, with the `/oidc` prefix moved to `originalUrl` so the
 * provider builds its addresses under the mount path.
 */
export function oidcRoutes(provider: Provider): Hono<{ Bindings: HttpBindings }> {
  const handle = provider.callback() as (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  const routes = new Hono<{ Bindings: HttpBindings }>();
  routes.all('*', async function forwardToProvider(c) {
    const { incoming, outgoing } = c.env;
    const url = incoming.url ?? '/';
    const request = incoming as IncomingMessage & { originalUrl?: string };
    request.originalUrl = url;
    request.url = url.startsWith(oidcMountPath) ? url.slice(oidcMountPath.length) || '/' : url;
    await handle(request, outgoing);
    return RESPONSE_ALREADY_SENT;
  });
  return routes;
}
