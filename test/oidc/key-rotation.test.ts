import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { defaultKeyPolicy } from '../../src/oidc/key-schedule.ts';
import { oidcHosting, type OidcHosting } from '../../src/oidc/hosting.ts';
import { rotateSigningKeys, signingKeysPlace } from '../../src/oidc/signing-keys.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { createTestApp, registerClients, type TestApp } from '../support/app.ts';
import { giveLogin, givePermanentPassword, strongPassword } from '../http/support.ts';
import { addApp, authorizationRequest, Browser, discoverIssuer, freePort, type RegisteredApp } from './support.ts';

/**
 * A key rotated out: after `rotate-keys` and both windows (the grace period, then the life of
 * the tokens the old key signed), a restarted server no longer publishes the old key, so a
 * portal verifying an ID token it signed against the JWKS refuses it.
 */
describe('an ID token signed by a rotated-out key', () => {
  let app: TestApp;
  let store: OidcStore;
  let server: RunningServer;
  let origin: string;
  let current: OidcHosting;
  const portal = 'http://localhost:4997/callback';
  let registered: RegisteredApp;
  const browser = new Browser();

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    app = await createTestApp({ PUBLIC_ORIGIN: origin });
    await registerClients(app, [{ clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'o@example.com' }]);
    await giveLogin(app, 'C1', 'olivia');
    await givePermanentPassword(app, 'C1', 'olivia', strongPassword);
    registered = await addApp(app, 'default', portal);
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    current = oidcHosting({ store, dataDir: app.dir });
    // A restart is a fresh hosting: each provider reads its keys when it is built.
    const restartable: OidcHosting = { hostFor: (...args) => current.hostFor(...args) };
    server = await startHttpServer(createHttpApp(app, { oidc: restartable }), { port, host: '127.0.0.1' });
    const loggedIn = await browser.post(`${origin}/login`, { username: 'olivia', password: strongPassword });
    expect(loggedIn.status).toBe(303);
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await app?.dispose();
  });

  async function signIn(): Promise<string> {
    const config = await discoverIssuer(origin, registered);
    const { url, checks } = await authorizationRequest(config, portal, { scope: 'openid' });
    const back = await browser.follow(url, portal);
    const tokens = await client.authorizationCodeGrant(config, back.url, checks);
    return tokens.id_token!;
  }

  const verify = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(`${origin}/oidc/jwks`)), {
      issuer: `${origin}/oidc`,
      audience: registered.appId,
    });

  it('is accepted before the rotation, and refused once the old key has left the JWKS', async () => {
    const old = await signIn();
    await expect(verify(old)).resolves.toMatchObject({ payload: { sub: 'C1' } });

    await rotateSigningKeys(
      signingKeysPlace(store, app.dir, app.deps.secrets, 'default'),
      app.clock.now(),
      defaultKeyPolicy,
    );
    // Past the grace period and then the old key's last tokens' life, and the server restarted.
    app.clock.advance((defaultKeyPolicy.graceSeconds + defaultKeyPolicy.signedTokenTtlSeconds + 1) * 1000);
    current = oidcHosting({ store, dataDir: app.dir });

    await expect(verify(old)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    const fresh = await signIn();
    expect(decodeProtectedHeader(fresh).kid).not.toBe(decodeProtectedHeader(old).kid);
    await expect(verify(fresh)).resolves.toMatchObject({ payload: { sub: 'C1' } });
  });
  it('a running server publishes keys rotated elsewhere without a restart, once it looks again', async () => {
    // The same hosting throughout, looking for rotated keys at every request.
    current = oidcHosting({ store, dataDir: app.dir, keyRefreshMs: 0 });
    const kids = async () =>
      ((await (await fetch(`${origin}/oidc/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    const before = await kids();
    // As `latchkey oidc rotate-keys` does it, at another process: straight into the store.
    const added = await rotateSigningKeys(
      signingKeysPlace(store, app.dir, app.deps.secrets, 'default'),
      app.clock.now(),
      defaultKeyPolicy,
    );
    let published = before;
    for (let tries = 0; tries < 50 && !published.includes(added[0]!.kid); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      published = await kids();
    }
    expect(published).toEqual(expect.arrayContaining(added.map((key) => key.kid)));
    expect(published).toEqual(expect.arrayContaining(before));
  });
});
