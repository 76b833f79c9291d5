import { createServer, request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { oidcHosting } from '../../src/oidc/hosting.ts';
import { openOidcStoreFor } from '../../src/oidc/open-store.ts';
import type { OidcStore } from '../../src/oidc/store.ts';
import { createTestApp, registerClients, type TestApp } from '../support/app.ts';
import { giveLogin, givePermanentPassword, strongPassword } from '../http/support.ts';
import { dropSchema, newSchema, newServerSecret, storeUrl } from '../scale/support.ts';
import { addApp, authorizationRequest, Browser, discoverIssuer, freePort, type RegisteredApp } from './support.ts';

/**
 * Two instances of one deployment on PostgreSQL behind a load balancer that sends the token and
 * userinfo requests to the second: the code the first issued is redeemed at the second, once.
 */
describe('OpenID Connect across two instances on PostgreSQL', () => {
  const schema = newSchema();
  const instances: { app: TestApp; store: OidcStore; server: RunningServer }[] = [];
  let balancer: Server;
  let origin: string;
  const portal = 'http://localhost:4997/callback';
  let registered: RegisteredApp;
  const browser = new Browser();
  const discover = () => discoverIssuer(origin, registered);
  const authorization = (config: client.Configuration) =>
    authorizationRequest(config, portal, { scope: 'openid profile' });

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const shared = {
      LATCHKEY_STORE: storeUrl(schema),
      LATCHKEY_PEPPER: newServerSecret(),
      SESSION_SECRET: newServerSecret(),
      PUBLIC_ORIGIN: origin,
      MAIL_RELAY: 'false',
    };
    for (let i = 0; i < 2; i++) {
      const app = await createTestApp(shared);
      const store = await openOidcStoreFor(app.config);
      const http = createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) });
      instances.push({ app, store, server: await startHttpServer(http, { port: 0, host: '127.0.0.1' }) });
    }
    const [first, second] = instances as [(typeof instances)[0], (typeof instances)[0]];
    await registerClients(first.app, [{ clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: null }]);
    await giveLogin(first.app, 'C1', 'olivia');
    await givePermanentPassword(first.app, 'C1', 'olivia', strongPassword);
    registered = await addApp(first.app, 'default', portal);
    // Nothing is copied between the instances' data folders: the signing keys are in the shared store.
    while (!second.app.deps.readModels.oidcApps.getApp('default', registered.appId))
      await new Promise((resolve) => setTimeout(resolve, 20));

    const upstream = (path: string) => (/^\/oidc\/(token|me)\b/.test(path) ? second : first).server.url;
    balancer = createServer((req, res) => {
      const target = new URL(req.url ?? '/', upstream(req.url ?? '/'));
      const forwarded = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forwarded.on('error', () => res.writeHead(502).end());
      req.pipe(forwarded);
    });
    balancer.listen(port, '127.0.0.1');
    await once(balancer, 'listening');
  });

  afterAll(async () => {
    balancer?.close();
    for (const { app, store, server } of instances) {
      await server.close();
      await store.close();
      await app.dispose();
    }
    await dropSchema(schema);
  });

  it('a code issued by one instance is redeemed at the other, and only once', async () => {
    const config = await discover();
    const { url: authorize, checks } = await authorization(config);
    const toLogin = await browser.follow(authorize, `${origin}/login`);
    const returnTo = toLogin.url.searchParams.get('return')!;
    const back = await browser.logInAndReturn(
      origin,
      returnTo,
      { username: 'olivia', password: strongPassword },
      portal,
    );
    expect(back.url.searchParams.get('code')).toBeTruthy();

    const tokens = await client.authorizationCodeGrant(config, back.url, checks);
    expect(tokens.claims()?.sub).toBe('C1');
    // Signed with the deployment's keys, whichever instance signed it.
    const jwks = createRemoteJWKSet(new URL(`${origin}/oidc/jwks`));
    await jwtVerify(tokens.id_token!, jwks, { issuer: `${origin}/oidc`, audience: registered.appId });
    expect(await client.fetchUserInfo(config, tokens.access_token, 'C1')).toMatchObject({ name: 'Olivia Nguyen' });
    await expect(client.authorizationCodeGrant(config, back.url, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // The reuse revoked what the code gave, at every instance.
    await expect(client.fetchUserInfo(config, tokens.access_token, 'C1')).rejects.toThrow();
  });

  it('the same code redeemed twice at once gives tokens to one request only, and those are revoked', async () => {
    const config = await discover();
    const { url, checks } = await authorization(config);
    // The browser is signed in at the provider already: it goes straight back with a code.
    const back = await browser.follow(url, portal);
    expect(back.url.searchParams.get('code')).toBeTruthy();
    const redeem = () => client.authorizationCodeGrant(config, back.url, checks);
    const outcomes = await Promise.allSettled([redeem(), redeem(), redeem()]);
    const granted = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(granted.length).toBeLessThanOrEqual(1);
    for (const outcome of outcomes)
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ error: 'invalid_grant' });
    for (const tokens of granted)
      await expect(client.fetchUserInfo(config, tokens.access_token, 'C1')).rejects.toThrow();
  });
});
