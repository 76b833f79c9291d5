import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultBusinessSettings, registerBusiness } from '../../src/app/businesses.ts';
import { forBusiness } from '../../src/app/business-scope.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { oidcHosting } from '../../src/oidc/hosting.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';
import { giveLogin, giveTempPassword, strongPassword } from '../http/support.ts';
import {
  addApp,
  authorizationRequest,
  type RegisteredApp,
  Browser,
  discoverIssuer,
  freePort,
  hiddenField,
} from './support.ts';

/**
 * The whole sign-in, with openid-client as the portal: the default business on one port and
 * Happy Paws on another, both served by one Latchkey server that picks the business by Host.
 */
describe('signing in to a portal with a Latchkey login', () => {
  let app: TestApp;
  let store: OidcStore;
  const servers: RunningServer[] = [];
  let origin: string;
  let happyOrigin: string;
  const portal = 'http://localhost:4999/callback';
  const otherPortal = 'http://localhost:4998/callback';
  let portalApp: RegisteredApp;
  let secondApp: RegisteredApp;
  let temp: string;
  const browser = new Browser();

  beforeAll(async () => {
    const [port, happyPort] = [await freePort(), await freePort()];
    origin = `http://127.0.0.1:${port}`;
    happyOrigin = `http://127.0.0.1:${happyPort}`;
    app = await createTestApp({ PUBLIC_ORIGIN: origin });
    // The provider tells time by Date; the site's sessions, by the app's clock: here they agree.
    app.clock.set(new Date());
    const defaults = defaultBusinessSettings(app.config);
    const registered = await registerBusiness(
      app.deps,
      {
        businessId: 'happypaws',
        settings: { ...defaults, name: 'Happy Paws', publicOrigin: happyOrigin, logoUrl: null, contact: null },
      },
      defaults,
      { actor: staff },
    );
    if (!registered.ok) throw new Error(registered.error.message);
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
    ]);
    await giveLogin(app, 'C1', 'olivia');
    temp = await giveTempPassword(app, 'C1');
    portalApp = await addApp(app, 'default', portal);
    secondApp = await addApp(app, 'default', otherPortal);
    const happy = { ...app, deps: forBusiness(app.deps, 'happypaws') };
    await registerClients(happy, [{ clientId: 'C1', firstName: 'Noah', lastName: 'Kim', email: 'noah@example.com' }]);
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    const http = createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) });
    servers.push(await startHttpServer(http, { port, host: '127.0.0.1' }));
    servers.push(await startHttpServer(http, { port: happyPort, host: '127.0.0.1' }));
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await store.close();
    await app.dispose();
  });

  it('a temporary password: log in, choose a password, back at the portal with a code that gives a valid ID token', async () => {
    const config = await discoverIssuer(origin, portalApp);
    const started = await authorizationRequest(config, portal);
    const toLogin = await browser.follow(started.url, `${origin}/login`);
    expect(toLogin.url.pathname).toBe('/login');
    const returnTo = toLogin.url.searchParams.get('return')!;
    expect(returnTo).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
    const loginPage = await (await browser.get(toLogin.url)).text();
    expect(hiddenField(loginPage, 'return')).toBe(returnTo);

    const loggedIn = await browser.post(`${origin}/login`, { username: 'olivia', password: temp, return: returnTo });
    expect(loggedIn.status).toBe(303);
    const choose = new URL(loggedIn.headers.get('location')!, origin);
    expect(choose.pathname).toBe('/choose-password');
    expect(choose.searchParams.get('return')).toBe(returnTo);
    const choosePage = await (await browser.get(choose)).text();
    expect(hiddenField(choosePage, 'return')).toBe(returnTo);

    const chosen = await browser.post(`${origin}/choose-password`, {
      newPassword: strongPassword,
      confirmPassword: strongPassword,
      return: returnTo,
    });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe(returnTo);
    const back = await browser.follow(new URL(returnTo, origin), portal);
    expect(back.url.origin + back.url.pathname).toBe(portal);
    expect(back.url.searchParams.get('code')).toBeTruthy();

    const tokens = await client.authorizationCodeGrant(config, back.url, started.checks);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(`${origin}/oidc`);
    expect(claims.aud).toBe(portalApp.appId);
    expect(claims.nonce).toBe(started.nonce);
    expect(claims.sub).toBe('C1');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, 'C1');
    expect(userinfo).toMatchObject({ sub: 'C1', name: 'Olivia Nguyen', email: 'olivia@example.com' });

    // The same code a second time is refused.
    await expect(client.authorizationCodeGrant(config, back.url, started.checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a second app signs the same browser in without the login form', async () => {
    const config = await discoverIssuer(origin, secondApp);
    const started = await authorizationRequest(config, otherPortal);
    const from = browser.visited.length;
    const back = await browser.follow(started.url, otherPortal);
    expect(back.url.origin + back.url.pathname).toBe(otherPortal);
    expect(browser.visited.slice(from).some((path) => path.startsWith('/login'))).toBe(false);
    const tokens = await client.authorizationCodeGrant(config, back.url, started.checks);
    expect(tokens.claims()).toMatchObject({ sub: 'C1', aud: secondApp.appId });
  });

  /** When the browser last entered its password (the prompt=login test), as the app's clock had it. */
  let loginAt = 0;

  it('prompt=login asks a signed-in browser for the password again; the code comes only after it', async () => {
    const config = await discoverIssuer(origin, portalApp);
    const started = await authorizationRequest(config, portal, { prompt: 'login' });
    const toLogin = await browser.follow(started.url, `${origin}/login`);
    expect(toLogin.url.pathname).toBe('/login');
    expect(toLogin.url.searchParams.get('notice')).toBe('sign-in-again');
    const returnTo = toLogin.url.searchParams.get('return')!;
    const page = await (await browser.get(toLogin.url)).text();
    expect(page).toContain('asks you to enter your password again');
    expect(page).toMatch(/name="username"[^>]*value="olivia"|value="olivia"[^>]*name="username"/);
    expect(hiddenField(page, 'return')).toBe(returnTo);
    // Without the password, the interaction sends the browser back to the form, never to the portal.
    const unanswered = await browser.follow(new URL(returnTo, origin), portal);
    expect(unanswered.url.pathname).toBe('/login');

    // A minute after the session the browser had: the ID token's auth_time is this login's.
    app.clock.advance(60_000);
    loginAt = Math.floor(app.clock.now().getTime() / 1000);
    const back = await browser.logInAndReturn(
      origin,
      returnTo,
      { username: 'olivia', password: strongPassword },
      portal,
    );
    const tokens = await client.authorizationCodeGrant(config, back.url, started.checks);
    expect(tokens.claims()?.auth_time).toBe(loginAt);
  });

  it('max_age: a session younger than it signs in at once with its own login time; an older one is asked again', async () => {
    const config = await discoverIssuer(origin, portalApp);
    app.clock.advance(30_000);
    const young = await authorizationRequest(config, portal, { max_age: '3600' });
    const back = await browser.follow(young.url, portal);
    expect(back.url.origin + back.url.pathname).toBe(portal);
    const tokens = await client.authorizationCodeGrant(config, back.url, {
      ...young.checks,
      maxAge: 3600,
    });
    expect(tokens.claims()?.auth_time).toBe(loginAt);

    // Ten minutes on (Date and the app's clock), the same session is older than a max_age of 300 s.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 600_000 });
    app.clock.advance(600_000);
    try {
      const old = await authorizationRequest(config, portal, { max_age: '300' });
      const toLogin = await browser.follow(old.url, `${origin}/login`);
      expect(toLogin.url.pathname).toBe('/login');
      expect(toLogin.url.searchParams.get('notice')).toBe('sign-in-again');
    } finally {
      vi.useRealTimers();
      app.clock.advance(-600_000);
    }
  });

  it('an app that asks for offline_access (with prompt=consent) gets a refresh token, and no consent page', async () => {
    const config = await discoverIssuer(origin, portalApp);
    const started = await authorizationRequest(config, portal, { scope: 'openid offline_access', prompt: 'consent' });
    const back = await browser.follow(started.url, portal);
    expect(back.url.origin + back.url.pathname).toBe(portal);
    const tokens = await client.authorizationCodeGrant(config, back.url, started.checks);
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('a code used a second time revokes the tokens it gave: userinfo and the refresh token are refused', async () => {
    const config = await discoverIssuer(origin, portalApp);
    const started = await authorizationRequest(config, portal, { scope: 'openid offline_access', prompt: 'consent' });
    const back = await browser.follow(started.url, portal);
    const { checks } = started;
    const tokens = await client.authorizationCodeGrant(config, back.url, checks);
    expect(tokens.refresh_token).toBeTruthy();
    // Before the replay both work.
    await expect(client.fetchUserInfo(config, tokens.access_token, 'C1')).resolves.toMatchObject({ sub: 'C1' });
    await expect(client.authorizationCodeGrant(config, back.url, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.fetchUserInfo(config, tokens.access_token, 'C1')).rejects.toMatchObject({
      code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
    });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a code presented after its 60 seconds is refused', async () => {
    const config = await discoverIssuer(origin, portalApp);
    const started = await authorizationRequest(config, portal);
    const back = await browser.follow(started.url, portal);
    expect(back.url.searchParams.get('code')).toBeTruthy();
    // The provider reads the time from Date: only Date moves, 61 s on; no timer is faked and nothing sleeps.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    try {
      await expect(client.authorizationCodeGrant(config, back.url, started.checks)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    } finally {
      vi.useRealTimers();
    }
    // The same steps without the wait give tokens, so the refusal above is the expiry's.
    const fresh = await authorizationRequest(config, portal);
    const answered = await browser.follow(fresh.url, portal);
    const tokens = await client.authorizationCodeGrant(config, answered.url, fresh.checks);
    expect(tokens.claims()?.sub).toBe('C1');
  });

  it('the portal refuses an answer with the wrong state, and an ID token with the wrong nonce', async () => {
    const config = await discoverIssuer(origin, portalApp);
    const first = await authorizationRequest(config, portal);
    const answered = await browser.follow(first.url, portal);
    expect(answered.url.origin + answered.url.pathname).toBe(portal);
    const wrongState = await client
      .authorizationCodeGrant(config, answered.url, {
        pkceCodeVerifier: first.verifier,
        expectedState: client.randomState(),
        expectedNonce: first.nonce,
      })
      .then(
        () => null,
        (error: unknown) => error as { code?: string; cause?: { message?: string } },
      );
    expect(wrongState?.code).toBe('OAUTH_INVALID_RESPONSE');
    expect(wrongState?.cause?.message).toMatch(/state/);
    const second = await authorizationRequest(config, portal);
    const again = await browser.follow(second.url, portal);
    expect(again.url.origin + again.url.pathname).toBe(portal);
    await expect(
      client.authorizationCodeGrant(config, again.url, {
        pkceCodeVerifier: second.verifier,
        expectedState: second.state,
        expectedNonce: client.randomNonce(),
      }),
    ).rejects.toMatchObject({ code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' });
  });

  it("each business's host serves its own issuer, where another business's app is unknown", async () => {
    const happyConfig = await discoverIssuer(happyOrigin, portalApp);
    expect(happyConfig.serverMetadata().issuer).toBe(`${happyOrigin}/oidc`);
    const started = await authorizationRequest(happyConfig, portal);
    const response = await new Browser().get(started.url);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('invalid_client');
  });

  it('after a login, only a path under /oidc/interaction/ is followed: never another site', async () => {
    const stranger = new Browser();
    for (const hostile of [
      'https://evil.example/oidc/interaction/x',
      '//evil.example/oidc/interaction/x',
      '/account/../oidc',
    ]) {
      const page = await (await stranger.get(`${origin}/login?return=${encodeURIComponent(hostile)}`)).text();
      expect(hiddenField(page, 'return')).toBeNull();
      const posted = await stranger.post(`${origin}/login`, {
        username: 'olivia',
        password: strongPassword,
        return: hostile,
      });
      expect(posted.status).toBe(303);
      expect(posted.headers.get('location')).toBe('/account');
    }
  });
  it('logging out at a portal ends the Latchkey session too: the next sign-in asks for the password', async () => {
    const config = await discoverIssuer(origin, portalApp);
    expect((await browser.get(`${origin}/account`)).status).toBe(200);
    const confirmPage = await (await browser.get(client.buildEndSessionUrl(config))).text();
    expect(confirmPage).toContain('formaction="/logout/portal"');
    const form = { xsrf: hiddenField(confirmPage, 'xsrf')!, logout: 'yes' };
    const ended = await browser.post(`${origin}/logout/portal`, form);
    expect(ended.status).toBe(307);
    const confirm = new URL(ended.headers.get('location')!, origin);
    expect(confirm.pathname).toBe('/oidc/session/end/confirm');
    // A browser repeats a 307 with the same method and form.
    const confirmed = await browser.post(confirm, form);
    expect(confirmed.status).toBe(303);

    const account = await browser.get(`${origin}/account`);
    expect(account.headers.get('location')).toMatch(/^\/login/);
    const next = await authorizationRequest(config, portal);
    const toLogin = await browser.follow(next.url, `${origin}/login`);
    expect(toLogin.url.pathname).toBe('/login');
    expect(toLogin.url.searchParams.get('notice')).toBeNull();
  });
});
