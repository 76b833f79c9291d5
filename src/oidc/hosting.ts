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
  /** How often a running server looks for rotated signing keys (default one minute). */
  readonly keyRefreshMs?: number;
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

/** One business's provider as built, with the sealed keys it was built with. */
interface BuiltHost {
  readonly origin: string;
  readonly host: Promise<OidcHost>;
  /** The sealed keys the provider signs with; undefined until it is built. */
  sealed?: string;
  checkedAt: number;
  checking: boolean;
}

export function oidcHosting(options: OidcHostingOptions): OidcHosting {
  const built = new Map<string, BuiltHost>();
  const keyRefreshMs = options.keyRefreshMs ?? 60_000;

  /**
   * Keys rotated by `latchkey oidc rotate-keys` (at this instance or another) reach a running
   * server: now and then the stored keys are read again, and when they changed the provider is
   * built afresh at the next request. Requests already in the old provider finish there; its
   * codes, sessions and grants are in the store, so nothing is lost.
   */
  function checkForRotation(businessId: string, entry: BuiltHost): void {
    if (entry.sealed === undefined || entry.checking || Date.now() - entry.checkedAt < keyRefreshMs) return;
    entry.checking = true;
    options.store
      .readSigningKeys(businessId)
      .then(
        (sealed) => {
          if (sealed !== entry.sealed && built.get(businessId) === entry) built.delete(businessId);
        },
        (error: unknown) =>
          options.logger?.warn({ err: error, businessId }, 'could not check the signing keys for a rotation'),
      )
      .finally(() => {
        entry.checking = false;
        entry.checkedAt = Date.now();
      });
  }

  return {
    hostFor(deps, businessId, publicOrigin) {
      const cached = built.get(businessId);
      if (cached?.origin === publicOrigin) {
        checkForRotation(businessId, cached);
        return cached.host;
      }
      const entry: BuiltHost = { origin: publicOrigin, host: build(), checkedAt: Date.now(), checking: false };
      async function build(): Promise<OidcHost> {
        const { createOidcProvider } = await loadProviderModule(options.logger);
        const { keys, sealed } = await loadSigningKeys(
          signingKeysPlace(options.store, options.dataDir, deps.secrets, businessId),
          deps.clock.now(),
        );
        entry.sealed = sealed;
        const provider = createOidcProvider(deps, {
          businessId,
          publicOrigin,
          store: options.store,
          keys,
          ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
          ...(options.logger ? { logger: options.logger } : {}),
        });
        const logout = providerLogout(provider, options.store, businessId, options.logger);
        // A portal's own log-out (RP-initiated) sends its logout tokens from inside the provider:
        // one an app did not take is remembered and sent again, as the reactor's are.
        provider.on(
          'backchannel.error',
          (_ctx: unknown, error: unknown, client: { clientId: string }, accountId: string, sid: string) => {
            options.logger?.warn(
              { businessId, appId: client.clientId, error: error instanceof Error ? error.message : String(error) },
              'an app did not take its back-channel logout; it is sent again later',
            );
            logout
              .rememberFailedLogout(client.clientId, accountId, sid)
              .catch((failure: unknown) =>
                options.logger?.error({ err: failure, businessId }, 'could not remember a logout to send again'),
              );
          },
        );
        return { provider, routes: oidcRoutes(provider), logout };
      }
      // A provider that failed to build (keys that cannot be opened) is tried again on the next request.
      entry.host.catch(() => built.get(businessId) === entry && built.delete(businessId));
      built.set(businessId, entry);
      return entry.host;
    },
  };
}
