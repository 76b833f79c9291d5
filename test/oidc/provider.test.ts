import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { registerOidcApp, removeOidcApp, rotateOidcAppSecret } from '../../src/oidc/apps.ts';
import { oidcHosting } from '../../src/oidc/hosting.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { createTestApp, staff, type TestApp } from '../support/app.ts';
import { freePort } from './support.ts';

describe('the OpenID Connect provider, with openid-client as the app', () => {
  let app: TestApp;
  let server: RunningServer;
  let store: OidcStore;
  let issuer: URL;
  let appId: string;
  let clientSecret: string;
  const redirectUri = 'http://localhost:4999/callback';

  beforeAll(async () => {
    // The issuer is the business's public origin, so the server listens on the port it names.
    const port = await freePort();
    app = await createTestApp({ PUBLIC_ORIGIN: `http://127.0.0.1:${port}` });
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    const registered = await registerOidcApp(
      app.deps,
      {
        businessId: 'default',
        name: 'Portal',
        redirectUris: [redirectUri],
        postLogoutRedirectUris: [],
        backchannelLogoutUri: null,
      },
      { actor: staff },
    );
    if (!registered.ok) throw new Error(registered.error.message);
    ({ clientSecret } = registered.value);
    appId = registered.value.app.appId;
    const http = createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) });
    server = await startHttpServer(http, { port, host: '127.0.0.1' });
    issuer = new URL(`${server.url}/oidc`);
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    await app.dispose();
  });

  const discover = () =>
    client.discovery(issuer, appId, clientSecret, undefined, { execute: [client.allowInsecureRequests] });

  it('publishes discovery under /oidc with code flow, S256 and back-channel logout', async () => {
    const config = await discover();
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuer.href);
    expect(metadata.authorization_endpoint).toBe(`${issuer.href}/auth`);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
  });

  it('publishes the public signing keys, ES256 and RS256, without their private parts', async () => {
    const config = await discover();
    const response = await fetch(config.serverMetadata().jwks_uri!);
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  const authorize = async (params: Record<string, string>) => {
    const config = await discover();
    const url = client.buildAuthorizationUrl(config, { scope: 'openid', ...params });
    return fetch(url, { redirect: 'manual' });
  };

  it('an authorization request without PKCE is sent back to the app with an error', async () => {
    const response = await authorize({ redirect_uri: redirectUri });
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('a redirect URI that is not registered exactly is refused, and nothing is redirected', async () => {
    const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    for (const uri of [`${redirectUri}/`, `${redirectUri}?x=1`, 'http://localhost:4999/other']) {
      const response = await authorize({ redirect_uri: uri, ...pkce });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('redirect_uri');
    }
  });

  it('a well-formed request with PKCE goes on to the interaction', async () => {
    const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
    const response = await authorize({
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
  });

  it('a wrong client secret is refused at the token endpoint', async () => {
    const config = await client.discovery(issuer, appId, 'not-the-secret', undefined, {
      execute: [client.allowInsecureRequests],
    });
    await expect(
      client.authorizationCodeGrant(config, new URL(`${redirectUri}?code=abc&iss=${encodeURIComponent(issuer.href)}`), {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
      }),
    ).rejects.toMatchObject({ error: 'invalid_client' });
    // With the right secret the same request gets past client authentication, to the unknown code.
    await expect(
      client.authorizationCodeGrant(
        await discover(),
        new URL(`${redirectUri}?code=abc&iss=${encodeURIComponent(issuer.href)}`),
        {
          pkceCodeVerifier: client.randomPKCECodeVerifier(),
        },
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('after a rotation only the new secret is accepted, and a removed app is no client at all', async () => {
    const exchange = async (secret: string) => {
      const config = await client.discovery(issuer, appId, secret, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const callback = new URL(`${redirectUri}?code=abc&iss=${encodeURIComponent(issuer.href)}`);
      const failure = await client
        .authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier() })
        .then(
          () => null,
          (error: unknown) => error as { error?: string },
        );
      return failure?.error;
    };
    const rotated = await rotateOidcAppSecret(app.deps, 'default', appId, { actor: staff });
    if (!rotated.ok) throw new Error(rotated.error.message);
    expect(await exchange(clientSecret)).toBe('invalid_client');
    expect(await exchange(rotated.value.clientSecret)).toBe('invalid_grant');
    const removed = await removeOidcApp(app.deps, 'default', appId, { actor: staff });
    expect(removed.ok).toBe(true);
    expect(await exchange(rotated.value.clientSecret)).toBe('invalid_client');
  });
});
