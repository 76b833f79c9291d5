import Provider, { type Adapter, type AdapterPayload, type Configuration, type JWK } from 'oidc-provider';
import type { AppDeps } from '../app/deps.ts';
import type { OidcAppView } from '../projections/oidc-apps.ts';
import { defaultKeyPolicy } from './key-schedule.ts';
import { loadSigningKeys, providerJwks } from './signing-keys.ts';
import { oidcMountPath } from './routes.ts';
import type { OidcStore } from './sqlite-adapter.ts';

export interface OidcProviderOptions {
  readonly businessId: string;
  /** The business's public origin; the issuer is `<origin>/oidc`. */
  readonly publicOrigin: string;
  readonly dataDir: string;
  readonly store: OidcStore;
  /** Behind a trusted proxy the provider reads the scheme and host from X-Forwarded-*. */
  readonly trustProxy?: boolean;
}

// Imported from routes.ts, which must not load oidc-provider: it is loaded with the server.
export { oidcMountPath };
const grantableScopes = new Set(['openid', 'profile', 'email', 'offline_access']);
export const issuerFor = (publicOrigin: string): string => `${publicOrigin.replace(/\/$/, '')}${oidcMountPath}`;

function isLoopbackUrl(url: URL | string): boolean {
  const { hostname } = new URL(url);
  return ['localhost', '127.0.0.1', '[::1]'].includes(hostname) || hostname.endsWith('.localhost');
}

/** An app as the provider sees a client: its secret is the recorded hash, checked by `verifyClientSecret`. */
export function clientMetadataOf(app: OidcAppView, secretHash: string): AdapterPayload {
  return {
    client_id: app.appId,
    client_secret: secretHash,
    client_name: app.name,
    redirect_uris: [...app.redirectUris],
    post_logout_redirect_uris: [...app.postLogoutRedirectUris],
    ...(app.backchannelLogoutUri
      ? { backchannel_logout_uri: app.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

/** The Client model is served from the apps read model; every other model from the SQLite store. */
function adapterClass(deps: AppDeps, businessId: string, store: OidcStore): new (model: string) => Adapter {
  const Stored = store.adapterFor(businessId);
  class ClientsFromReadModel extends Stored {
    readonly #model: string;
    constructor(model: string) {
      super(model);
      this.#model = model;
    }
    override find(id: string): Promise<AdapterPayload | undefined | void> {
      if (this.#model !== 'Client') return super.find(id);
      const app = deps.readModels.oidcApps.getApp(businessId, id);
      const hash = deps.readModels.oidcApps.secretHashOf(businessId, id);
      return Promise.resolve(app && hash ? clientMetadataOf(app, hash) : undefined);
    }
  }
  return ClientsFromReadModel;
}

export function createOidcProvider(deps: AppDeps, options: OidcProviderOptions): Provider {
  const { businessId } = options;
  const keys = loadSigningKeys(options.dataDir, businessId, deps.clock.now());
  const configuration: Configuration = {
    adapter: adapterClass(deps, businessId, options.store),
    jwks: providerJwks(keys, deps.clock.now(), defaultKeyPolicy) as { keys: JWK[] },
    // Derived from the pepper, so every instance of the deployment signs the provider's cookies alike.
    cookies: { keys: [deps.secrets.sign('oidc-cookie-key', businessId)] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name'], email: ['email', 'email_verified'] },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    // Refresh tokens only for apps that ask (offline_access); each use rotates the token.
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: defaultKeyPolicy.signedTokenTtlSeconds,
      Interaction: 600,
      Session: 14 * 86_400,
      Grant: 14 * 86_400,
      RefreshToken: 14 * 86_400,
    },
    // Apps staff registered as first party skip the consent page: signing in grants what they ask
    // for among the scopes offered. Any other app keeps the grant the client gave it, if any.
    loadExistingGrant: async (ctx) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (!deps.readModels.oidcApps.getApp(businessId, client.clientId)?.firstParty) return existing;
      const grant =
        existing ?? new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const asked = [...ctx.oidc.requestParamScopes].filter((scope) => grantableScopes.has(scope));
      grant.addOIDCScope(asked.join(' '));
      await grant.save();
      return grant;
    },
    interactions: {
      url: (_ctx, interaction) => `${oidcMountPath}/interaction/${interaction.uid}`,
    },
    // oidc-provider refuses to reach special-use addresses (its SSRF guard). Staff register each
    // back-channel logout URI, and the URI rules allow plain http only on the loopback host, for a
    // portal run beside Latchkey in development: that one host is reached without the guard.
    fetch: (url, init) => {
      const options = { ...(init as RequestInit & { dispatcher?: unknown }) };
      if (isLoopbackUrl(url instanceof Request ? url.url : url)) delete options.dispatcher;
      return globalThis.fetch(url, options);
    },
    renderError: (ctx, out) => {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `This sign-in could not go on (${String(out.error)}: ${String(out.error_description ?? '')}). Go back to the portal and start again.\n`;
    },
    findAccount: (_ctx, sub) => {
      const client = deps.readModels.clients.getClient(sub);
      if (!client || client.archived || !client.active) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: `${client.firstName} ${client.lastName}`.trim(),
          given_name: client.firstName,
          family_name: client.lastName,
          ...(client.email ? { email: client.email, email_verified: false } : {}),
        }),
      };
    },
  };
  const provider = new Provider(issuerFor(options.publicOrigin), configuration);
  provider.proxy = options.trustProxy ?? false;
  // The provider compares a presented client secret with the client's `client_secret`; Latchkey
  // records only the secret's keyed hash, so the comparison hashes what was presented.
  provider.Client.prototype.compareClientSecret = function compareHashedClientSecret(
    this: { clientSecret?: string },
    presented: string,
  ) {
    return Promise.resolve(this.clientSecret !== undefined && deps.secrets.verifySecret(presented, this.clientSecret));
  };
  return provider;
}
