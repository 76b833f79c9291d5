import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import Provider, {
  errors,
  interactionPolicy,
  type Adapter,
  type AdapterPayload,
  type Configuration,
  type JWK,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { AppDeps } from '../app/deps.ts';
import type { OidcAppView } from '../projections/oidc-apps.ts';
import type { Logger } from '../logger.ts';
import { recordSignInsToApps } from './app-sign-ins.ts';
import { defaultKeyPolicy, type KeyRecord } from './key-schedule.ts';
import { providerJwks } from './signing-keys.ts';
import { interactionTtlSeconds, oidcMountPath, portalLogoutPath } from './routes.ts';
import type { OidcStore } from './store.ts';

export interface OidcProviderOptions {
  readonly businessId: string;
  /** The business's public origin; the issuer is `<origin>/oidc`. */
  readonly publicOrigin: string;
  readonly store: OidcStore;
  /** The business's signing keys (`loadSigningKeys`), as stored when the provider is built. */
  readonly keys: readonly KeyRecord[];
  /** Behind a trusted proxy the provider reads the scheme and host from X-Forwarded-*. */
  readonly trustProxy?: boolean;
  /** Where a sign-in that could not be recorded is reported. */
  readonly logger?: Logger;
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

/**
 * The provider's own prompts, with one check more: a provider session whose account is gone (the
 * login disabled, the client archived or inactive) asks for the login again instead of failing,
 * so that session signs her in nowhere and Latchkey's login page answers as it does for her.
 */
function policyWithAccountCheck(): interactionPolicy.DefaultPolicy {
  const policy = interactionPolicy.base();
  const accountGone = new interactionPolicy.Check(
    'account_unavailable',
    'the signed-in account can no longer sign in',
    'login_required',
    (ctx) => Boolean(ctx.oidc.session?.accountId) && !ctx.oidc.account,
  );
  policy.get('login')?.checks.add(accountGone, 0);
  return policy;
}

/**
 * The Client model is served from the apps read model; every other model from the store. A code
 * or refresh token is used once: when two requests race with the same one (at one instance or
 * two), the one whose consume comes second is refused, and the grant is revoked with every token
 * it gave, as the provider does for a code it sees reused.
 */
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
    override async consume(id: string): Promise<void> {
      if (await this.consumeOnce(id)) return;
      const grantId = (await super.find(id))?.grantId;
      if (grantId) {
        await this.revokeByGrantId(grantId);
        await new Stored('Grant').destroy(grantId);
      }
      throw new errors.InvalidGrant('this code or token was already used');
    }
  }
  return ClientsFromReadModel;
}

/** A page of the provider's own, in the plainest form: no script, no style or font from elsewhere. */
const providerPage = async (title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) =>
  String(
    await html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>${title}</title>
        </head>
        <body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">
          ${body}
        </body>
      </html>`,
  );

/**
 * The portal asked to log the client out: she confirms, and her sign-in at the business ends. "Yes"
 * goes by the site's own log-out first (`portalLogoutPath`), which ends her Latchkey session and
 * hands the same form on to the provider; "No" goes to the provider alone.
 */
async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const app = ctx.oidc.client?.clientName;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = await providerPage(
    'Log out?',
    html`<h1>Log out?</h1>
      <p>
        ${app ? `${app} asked to log you out.` : 'An app asked to log you out.'} This logs you out of every app of this
        business on this browser.
      </p>
      ${raw(form)}
      <p>
        <button autofocus type="submit" form="op.logoutForm" formaction="${portalLogoutPath}" name="logout" value="yes">
          Yes, log me out
        </button>
        <button type="submit" form="op.logoutForm">No, stay logged in</button>
      </p>`,
  );
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = await providerPage(
    'Logged out',
    html`<h1>You have logged out</h1>
      <p>You can close this page.</p>`,
  );
}

export function createOidcProvider(deps: AppDeps, options: OidcProviderOptions): Provider {
  const { businessId } = options;
  const { keys } = options;
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
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
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
      Interaction: interactionTtlSeconds,
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
      policy: policyWithAccountCheck(),
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
      // A disabled login (or none) has no account: the provider's session no longer signs her in anywhere.
      const credential = deps.readModels.credentials.getCredential(sub);
      if (!credential || credential.disabled) return undefined;
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
  recordSignInsToApps(provider, deps, options.logger);
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
