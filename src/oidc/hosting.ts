import type { HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import type Provider from 'oidc-provider';
import type { AppDeps } from '../app/deps.ts';
import type { Logger } from '../logger.ts';
import { providerLogout, type ProviderLogout } from './logout.ts';
// Loaded with the server, not on first use: @hono/node-server's "already sent" answer must be made
// before the server replaces the global Response, or the server would answer a second time.
import { oidcRoutes } from './routes.ts';
import { loadSigningKeys, signingKeysPlace } from './signing-keys.ts';
import type { OidcStore } from './sqlite-adapter.ts';

/** One business's provider, and the Hono routes that hand it the `/oidc` requests. */
export interface OidcHost {
  readonly provider: Provider;
  readonly routes: Hono<{ Bindings: HttpBindings }>;
  /** Ends the business's provider sessions (with back-channel logout) outside a request to the provider. */
  readonly logout: ProviderLogout;
}

/** Builds each business's provider on first use, and again when its public origin changes. */
export interface OidcHosting {
  hostFor(deps: AppDeps, businessId: string, publicOrigin: string): Promise<OidcHost>;
}

export interface OidcHostingOptions {
  readonly store: OidcStore;
  /** Where an earlier version kept the signing keys: a key file found there is carried into the store once. */
  readonly dataDir: string;
  readonly trustProxy?: boolean;
  /** Where oidc-provider's load-time warnings go (it warns on Node 20); stderr when absent. */
  readonly logger?: Logger;
}

let loading: Promise<typeof import('./provider.ts')> | null = null;

/**
 * oidc-provider is loaded on first use only, so commands that never sign anyone in to a portal
 * never load it. It prints its "Unsupported runtime" notice on Node 20 with console.warn while it
 * loads; that one line goes to the logger instead, as a warning.
 */
function loadProviderModule(logger: Logger | undefined): Promise<typeof import('./provider.ts')> {
  loading ??= (async () => {
    const consoleWarn = console.warn;
    if (logger)
      console.warn = (...args: unknown[]) => logger.warn({ library: 'oidc-provider' }, args.map(String).join(' '));
    try {
      return await import('./provider.ts');
    } finally {
      console.warn = consoleWarn;
    }
  })();
  return loading;
}

export function oidcHosting(options: OidcHostingOptions): OidcHosting {
  const built = new Map<string, { readonly origin: string; readonly host: Promise<OidcHost> }>();
  return {
    hostFor(deps, businessId, publicOrigin) {
      const cached = built.get(businessId);
      if (cached?.origin === publicOrigin) return cached.host;
      const host = (async () => {
        const { createOidcProvider } = await loadProviderModule(options.logger);
        const keys = await loadSigningKeys(
          signingKeysPlace(options.store, options.dataDir, deps.secrets, businessId),
          deps.clock.now(),
        );
        const provider = createOidcProvider(deps, {
          businessId,
          publicOrigin,
          store: options.store,
          keys,
          ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
          ...(options.logger ? { logger: options.logger } : {}),
        });
        return {
          provider,
          routes: oidcRoutes(provider),
          logout: providerLogout(provider, options.store, businessId, options.logger),
        };
      })();
      // A provider that failed to build (a damaged key file) is tried again on the next request.
      host.catch(() => built.delete(businessId));
      built.set(businessId, { origin: publicOrigin, host });
      return host;
    },
  };
}
