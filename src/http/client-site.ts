import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { App } from '../app/context.ts';
import { loadServerSecret } from '../app/pepper.ts';
import type { Logger } from '../logger.ts';
import { createSiteAssets } from './assets.ts';
import { createClientIpResolver } from './client-ip.ts';
import { createTokenBuckets, ipRateLimit } from './rate-limit.ts';
import { sameOriginPosts } from './same-origin.ts';
import { accountRoutes } from './routes/account.tsx';
import { choosePasswordRoutes } from './routes/choose-password.tsx';
import { loginRoutes, logoutRoutes } from './routes/login.tsx';
import { forgotPasswordRoutes, forgotUserNameRoutes, resetRoutes } from './routes/recovery.tsx';
import { createDeviceCookie } from './device-cookie.ts';
import { createSessions } from './session.ts';
import { sendProblem, type Site } from './site.tsx';
import { isSessionEnded } from '../app/logins.ts';
import { recordSessionSeen, recordSessionStarted, sessionLastSeenAt } from '../app/client-sessions.ts';
import { parseDeviceFamily } from './user-agent.ts';
import { forBusiness } from '../app/business-scope.ts';
import { defaultBusinessSettings, listBusinesses, type BusinessListing } from '../app/businesses.ts';
import { pickBusinessByHost, type BusinessEnv, type HostedBusiness } from './business-host.ts';
import type { OidcHosting } from '../oidc/hosting.ts';
import { oidcInteractionRoutes } from './routes/oidc-interaction.ts';

export interface ClientSiteOptions {
  readonly logger?: Logger;
  /** The OpenID Connect provider of each business, at `/oidc` on its own host, when it runs. */
  readonly oidc?: OidcHosting;
}

/** Client pages send small forms; anything bigger is refused before it is parsed. */
const clientBodyLimitBytes = 16 * 1024;

const clientSitePaths = [
  '/assets',
  '/favicon.ico',
  '/login',
  '/logout',
  '/choose-password',
  '/account',
  '/forgot-password',
  '/forgot-username',
  '/reset',
];

/** What every business's site shares: the signing secret, the per-IP limits and the assets. */
interface SharedSite {
  readonly secret: Uint8Array;
  readonly buckets: ReturnType<typeof createTokenBuckets>;
  readonly clientIp: ReturnType<typeof createClientIpResolver>;
  readonly assets: ReturnType<typeof createSiteAssets>;
}

/** A business as the Host lookup sees it, with its settings for building its site. */
export type HostedListing = HostedBusiness & { readonly listing: BusinessListing };

/**
 * The client login site, to mount at '/'. Each request's Host picks its business among the
 * configured origins (an unknown host gets a plain 404); that business's own site answers it,
 * built on first use and again whenever the business's settings change. Slack and webhooks are
 * mounted beside it, without its guards.
 */
export function createClientSite(app: App, options: ClientSiteOptions = {}): Hono<BusinessEnv<HostedListing>> {
  const { config, deps } = app;
  const shared: SharedSite = {
    secret: loadServerSecret(config.sessionSecret, config.dataDir, 'session-secret'),
    buckets: createTokenBuckets({ perMinute: config.ipRateLimitPerMinute, clock: deps.clock }),
    clientIp: createClientIpResolver(config.trustedProxies),
    assets: createSiteAssets(),
  };
  const defaults = defaultBusinessSettings(config);
  const hosted = (): HostedListing[] =>
    listBusinesses(deps, defaults).map((listing) => ({
      businessId: listing.businessId,
      publicOrigin: listing.settings.publicOrigin,
      suspended: listing.suspended,
      listing,
    }));
  const built = new Map<string, { readonly key: string; readonly site: Hono }>();
  const siteOf = (listing: BusinessListing): Hono => {
    const key = JSON.stringify([listing.settings, listing.suspended]);
    const cached = built.get(listing.businessId);
    if (cached?.key === key) return cached.site;
    const site = createBusinessSite(app, listing, shared, options);
    built.set(listing.businessId, { key, site });
    return site;
  };
  const http = new Hono<BusinessEnv<HostedListing>>();
  const pick = pickBusinessByHost(hosted);
  const { oidc } = options;
  if (oidc) {
    // The interaction is a page of the business's site (its session, guards and chrome); the rest
    // of /oidc is the business's provider, without the site's CSRF rules (portals post to it).
    http.use('/oidc/interaction/*', pick);
    http.get('/oidc/interaction/*', (c) => siteOf(c.get('business').listing).fetch(c.req.raw, c.env));
    for (const path of ['/oidc', '/oidc/*']) {
      http.use(path, pick);
      http.all(path, async (c) => {
        const { businessId, publicOrigin, suspended } = c.get('business');
        if (suspended) return c.text('Sign-in is not available for now.', 503, { 'Cache-Control': 'no-store' });
        const host = await oidc.hostFor(forBusiness(deps, businessId), businessId, publicOrigin);
        return host.routes.fetch(c.req.raw, c.env as HttpBindings);
      });
    }
  }
  // The site's own paths only: /slack and /webhooks, mounted beside it, answer for the deployment.
  for (const path of ['/', ...clientSitePaths.flatMap((prefix) => [prefix, `${prefix}/*`])]) {
    http.use(path, pick);
    http.all(path, (c) => siteOf(c.get('business').listing).fetch(c.req.raw, c.env));
  }
  return http;
}

/** The app as one business's site sees it: its scope, and its name, logo, contact, zone and origin. */
function businessApp(app: App, listing: BusinessListing): App {
  const { settings } = listing;
  return {
    ...app,
    deps: forBusiness(app.deps, listing.businessId),
    config: {
      ...app.config,
      businessName: settings.name,
      businessLogoUrl: settings.logoUrl,
      businessContact: settings.contact,
      businessTimeZone: settings.timeZone,
      publicOrigin: settings.publicOrigin,
    },
  };
}

function createBusinessSite(
  baseApp: App,
  listing: BusinessListing,
  shared: SharedSite,
  options: ClientSiteOptions,
): Hono {
  const app = businessApp(baseApp, listing);
  const { config, deps } = app;
  const publicOrigin = new URL(config.publicOrigin).origin;
  const { assets } = shared;
  const oidcOf = (hosting: OidcHosting) => () =>
    hosting.hostFor(deps, listing.businessId, listing.settings.publicOrigin);
  const sessions = createSessions({
    secret: shared.secret,
    origin: publicOrigin,
    businessId: listing.businessId,
    maxAgeSeconds: config.sessionMaxAgeSeconds,
    keepSignedInSeconds: config.sessionKeepSignedInSeconds,
    idleTimeoutSeconds: config.sessionIdleTimeoutSeconds,
    activity: {
      lastSeenAt: (session) => sessionLastSeenAt(deps, session.clientId, session.id),
      started: (c, session) =>
        recordSessionStarted(deps, {
          clientId: session.clientId,
          sessionId: session.id,
          expiresAt: session.expiresAt,
          keptSignedIn: session.keptSignedIn,
          family: parseDeviceFamily(c.req.header('user-agent')),
        }),
      seen: (session) => recordSessionSeen(deps, { clientId: session.clientId, sessionId: session.id }),
    },
    clock: deps.clock,
    // A suspended business's sessions end with it; they are good again once it is reinstated.
    currentSessionVersion: (clientId) => {
      const credential = deps.suspended ? null : deps.readModels.credentials.getCredential(clientId);
      return credential && !credential.disabled ? credential.sessionVersion : null;
    },
    isSessionEnded: (sessionId) => isSessionEnded(deps, sessionId),
  });
  const { buckets, clientIp } = shared;
  const site: Site = {
    app,
    sessions,
    devices: createDeviceCookie(publicOrigin),
    chrome: {
      businessName: config.businessName,
      logoUrl: config.businessLogoUrl,
      contact: config.businessContact,
      stylesheetUrl: assets.stylesheetUrl,
      scriptUrl: assets.scriptUrl,
      siteScriptUrl: assets.siteScriptUrl,
      faviconUrl: assets.faviconUrl,
    },
    guards: [
      secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", ...logoOrigin(config.businessLogoUrl)],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
        referrerPolicy: 'no-referrer',
        xFrameOptions: 'DENY',
      }),
      bodyLimit({ maxSize: clientBodyLimitBytes }),
      // Behind a proxy the request URL is the internal one, so the allowed origin is the public one.
      sameOriginPosts({ origin: publicOrigin }),
      ipRateLimit({
        buckets,
        clientIp,
        onLimited: (c, retryAfterSeconds) =>
          sendProblem(
            c,
            site,
            429,
            'Too many attempts',
            `Too many forms were sent from your network. Wait ${retryAfterSeconds} seconds, then try again.`,
            {
              'Retry-After': String(retryAfterSeconds),
            },
          ),
      }),
    ],
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.oidc ? { oidc: oidcOf(options.oidc) } : {}),
  };

  const http = new Hono();
  http.route('/assets', assets.routes);
  // Some browsers and tools ask for /favicon.ico whatever the page says; send them to the real one.
  http.get('/favicon.ico', (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.redirect(assets.faviconUrl, 301);
  });
  http.route('/login', loginRoutes(site));
  http.route('/logout', logoutRoutes(site));
  http.route('/choose-password', choosePasswordRoutes(site));
  http.route('/account', accountRoutes(site));
  http.route('/forgot-password', forgotPasswordRoutes(site));
  http.route('/forgot-username', forgotUserNameRoutes(site));
  http.route('/reset', resetRoutes(site));
  if (site.oidc) http.route('/oidc/interaction', oidcInteractionRoutes(site, site.oidc));
  http.get('/', async (c) => {
    const session = await sessions.current(c);
    return c.redirect(session ? (session.mustChoosePassword ? '/choose-password' : '/account') : '/login', 302);
  });
  return http;
}

/** A logo on another host must be allowed by the CSP; one on this site already is. */
function logoOrigin(logoUrl: string | null): string[] {
  return logoUrl?.startsWith('https://') ? [new URL(logoUrl).origin] : [];
}
