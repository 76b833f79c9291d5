import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { changeLoginAccess } from '../../src/app/logins.ts';
import { completePasswordReset, requestPasswordReset } from '../../src/app/recovery.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { oidcHosting } from '../../src/oidc/hosting.ts';
import { pendingLogoutModel } from '../../src/oidc/logout.ts';
import { startOidcLogoutReactor, type OidcLogoutReactor } from '../../src/oidc/logout-reactor.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';
import { giveLogin, givePermanentPassword, mintResetToken, strongPassword } from '../http/support.ts';
import { addApp, authorizationRequest, Browser, discoverIssuer, freePort, type RegisteredApp } from './support.ts';

const backchannelEvent = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Back-channel logout, with openid-client as the portals and a fake portal server that takes
 * their logout tokens and checks them as a relying party would (jose against the JWKS).
 */
describe('back-channel logout to the portals', () => {
  let app: TestApp;
  let store: OidcStore;
  let reactor: OidcLogoutReactor;
  let server: RunningServer;
  let portalServer: Server;
  let origin: string;
  let portalOrigin: string;
  /** Every logout token the fake portal server received, by the path it was posted to. */
  let received: { path: string; token: string }[] = [];
  const failOnce = new Set<string>();
  let bookings: RegisteredApp;
  let invoices: RegisteredApp;
  let broken: RegisteredApp;
  let password = strongPassword;
  const bookingsRedirect = 'http://localhost:4997/callback';
  const invoicesRedirect = 'http://localhost:4996/callback';
  const brokenRedirect = 'http://localhost:4995/callback';

  beforeAll(async () => {
    const [port, portalPort, closedPort] = [await freePort(), await freePort(), await freePort()];
    origin = `http://127.0.0.1:${port}`;
    portalOrigin = `http://127.0.0.1:${portalPort}`;
    portalServer = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token');
        // A path set to fail answers 503 once, as a portal that is down for a moment.
        if (failOnce.delete(request.url ?? '')) return void response.writeHead(503).end();
        if (request.method === 'POST' && token) received.push({ path: request.url ?? '', token });
        response.writeHead(200, { 'cache-control': 'no-store' }).end();
      });
    });
    await new Promise<void>((resolve) => portalServer.listen(portalPort, '127.0.0.1', resolve));
    app = await createTestApp({ PUBLIC_ORIGIN: origin });
    // The provider dates its sessions by the real clock; the log's events must be on the same one.
    app.clock.set(new Date());
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
    ]);
    await giveLogin(app, 'C1', 'olivia');
    await givePermanentPassword(app, 'C1', 'olivia', password);
    bookings = await addApp(app, 'default', bookingsRedirect, {
      name: 'Bookings',
      backchannelLogoutUri: `${portalOrigin}/bookings/logout`,
    });
    invoices = await addApp(app, 'default', invoicesRedirect, {
      name: 'Invoices',
      backchannelLogoutUri: `${portalOrigin}/invoices/logout`,
    });
    // A portal whose back-channel address answers nothing.
    broken = await addApp(app, 'default', brokenRedirect, {
      name: 'Old portal',
      backchannelLogoutUri: `http://127.0.0.1:${closedPort}/logout`,
    });
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    const hosting = oidcHosting({ store, dataDir: app.dir });
    reactor = startOidcLogoutReactor(app, {
      store,
      hosting,
      checkpointFile: join(app.dir, 'oidc-logout-checkpoint.json'),
      pollIntervalMs: 20,
    });
    server = await startHttpServer(createHttpApp(app, { oidc: hosting }), { port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    await reactor.stop();
    await store.close();
    await new Promise((resolve) => portalServer.close(resolve));
    await app.dispose();
  });
  beforeEach(() => {
    received = [];
    app.clock.set(new Date());
  });

  /** Signs the browser in to an app (through the login form when it has no Latchkey session), with a refresh token. */
  async function signIn(browser: Browser, registered: RegisteredApp, redirectUri: string) {
    const config = await discoverIssuer(origin, registered);
    const { url, checks } = await authorizationRequest(config, redirectUri, {
      scope: 'openid offline_access',
      prompt: 'consent',
    });
    let back = await browser.follow(url, redirectUri);
    if (back.url.pathname === '/login') {
      const returnTo = back.url.searchParams.get('return')!;
      back = await browser.logInAndReturn(origin, returnTo, { username: 'olivia', password }, redirectUri);
    }
    expect(back.url.origin + back.url.pathname).toBe(redirectUri);
    const tokens = await client.authorizationCodeGrant(config, back.url, checks);
    const claims = tokens.claims()!;
    expect(typeof claims.sid).toBe('string');
    expect(tokens.refresh_token).toBeTruthy();
    return { config, sid: claims.sid as string, refreshToken: tokens.refresh_token! };
  }

  /** What a relying party checks in a logout token before it ends its session. */
  async function verifiedLogoutToken(token: string, audience: string): Promise<JWTPayload> {
    const jwks = createRemoteJWKSet(new URL(`${origin}/oidc/jwks`));
    const { payload } = await jwtVerify(token, jwks, { issuer: `${origin}/oidc`, audience });
    expect(payload.events).toEqual({ [backchannelEvent]: {} });
    expect(payload.nonce).toBeUndefined();
    expect(payload.sub).toBe('C1');
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.iat).toBe('number');
    return payload;
  }

  const refreshRefused = (signedIn: { config: client.Configuration; refreshToken: string }) =>
    expect(client.refreshTokenGrant(signedIn.config, signedIn.refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

  it('log out everywhere: every app gets a verified logout token for its session, and its refresh token is dead', async () => {
    const browser = new Browser();
    const inBookings = await signIn(browser, bookings, bookingsRedirect);
    const inInvoices = await signIn(browser, invoices, invoicesRedirect);
    const inBroken = await signIn(browser, broken, brokenRedirect);
    expect(inInvoices.sid).not.toBe(inBookings.sid);

    const account = await (await browser.get(`${origin}/account`)).text();
    expect(account).toContain('Apps you are signed in to');
    for (const name of ['Bookings', 'Invoices', 'Old portal']) expect(account).toContain(`Sign out of ${name}`);

    app.clock.set(new Date());
    const out = await browser.post(`${origin}/account/logout-everywhere`, {});
    expect(out.status).toBe(303);
    await reactor.drain();

    expect(received.map((r) => r.path).sort()).toEqual(['/bookings/logout', '/invoices/logout']);
    const bookingsToken = await verifiedLogoutToken(
      received.find((r) => r.path === '/bookings/logout')!.token,
      bookings.appId,
    );
    expect(bookingsToken.sid).toBe(inBookings.sid);
    const invoicesToken = await verifiedLogoutToken(
      received.find((r) => r.path === '/invoices/logout')!.token,
      invoices.appId,
    );
    expect(invoicesToken.sid).toBe(inInvoices.sid);
    // The unreachable portal did not stop the others, and its grant went too.
    for (const signedIn of [inBookings, inInvoices, inBroken]) await refreshRefused(signedIn);
    expect(await store.sessionsOfAccount('default', 'C1')).toEqual([]);

    // Handling the same event again (a rescan, another instance) sends nothing new.
    received = [];
    const again = startOidcLogoutReactor(app, {
      store,
      hosting: oidcHosting({ store, dataDir: app.dir }),
      checkpointFile: join(app.dir, 'rescan.json'),
    });
    await again.drain();
    await again.stop();
    expect(received).toEqual([]);
  });

  it('a later sign-in is not ended by an earlier log out everywhere', async () => {
    // A sign-in is dated to the second, by when its Latchkey session's password was entered: this
    // login comes a second after the event, on the real clock as on the app's.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    app.clock.set(new Date());
    const browser = new Browser();
    const inBookings = await signIn(browser, bookings, bookingsRedirect);
    const rescan = startOidcLogoutReactor(app, {
      store,
      hosting: oidcHosting({ store, dataDir: app.dir }),
      checkpointFile: join(app.dir, 'rescan-2.json'),
    });
    await rescan.drain();
    await rescan.stop();
    expect(received).toEqual([]);
    const refreshed = await client.refreshTokenGrant(inBookings.config, inBookings.refreshToken);
    expect(refreshed.access_token).toBeTruthy();
    // Leave no session for the next test.
    app.clock.set(new Date());
    await changeLoginAccess(app.deps, { clientId: 'C1', action: 'revoke-sessions' }, { actor: staff });
    await reactor.drain();
  });

  it('a password change, a reset, a staff disable and a staff revoke each log the client out of the portal', async () => {
    const triggers: [string, () => Promise<void>][] = [
      [
        'password change',
        async () => {
          const changed = 'A different long passphrase 2 here';
          const posted = await browser.post(`${origin}/account/password`, {
            currentPassword: password,
            newPassword: changed,
            confirmPassword: changed,
          });
          expect(posted.headers.get('location')).toBe('/account?notice=password-changed');
          password = changed;
        },
      ],
      [
        'password reset',
        async () => {
          await requestPasswordReset(app.deps, { identifier: 'olivia' });
          const token = await mintResetToken(app, 'C1');
          const reset = 'A third long passphrase 3 here';
          const completed = await completePasswordReset(app.deps, { token, newPassword: reset });
          expect(completed.ok).toBe(true);
          password = reset;
        },
      ],
      [
        'staff revoke',
        async () => {
          const revoked = await changeLoginAccess(
            app.deps,
            { clientId: 'C1', action: 'revoke-sessions' },
            { actor: staff },
          );
          expect(revoked.ok).toBe(true);
        },
      ],
      [
        'staff disable',
        async () => {
          const disabled = await changeLoginAccess(app.deps, { clientId: 'C1', action: 'disable' }, { actor: staff });
          expect(disabled.ok).toBe(true);
        },
      ],
    ];
    let browser = new Browser();
    for (const [name, trigger] of triggers) {
      browser = new Browser();
      received = [];
      app.clock.set(new Date());
      const inBookings = await signIn(browser, bookings, bookingsRedirect);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the provider dates sign-ins to the second
      app.clock.set(new Date());
      await trigger();
      await reactor.drain();
      expect(
        received.map((r) => r.path),
        name,
      ).toEqual(['/bookings/logout']);
      const token = await verifiedLogoutToken(received[0]!.token, bookings.appId);
      expect(token.sid, name).toBe(inBookings.sid);
      await refreshRefused(inBookings);
    }
    await changeLoginAccess(app.deps, { clientId: 'C1', action: 'enable' }, { actor: staff });
  });

  it("the site's own log-out ends this browser's portal session", async () => {
    const browser = new Browser();
    const inBookings = await signIn(browser, bookings, bookingsRedirect);
    const out = await browser.post(`${origin}/logout`, {});
    expect(out.headers.get('location')).toBe('/login?notice=logged-out');
    expect(received.map((r) => r.path)).toEqual(['/bookings/logout']);
    expect((await verifiedLogoutToken(received[0]!.token, bookings.appId)).sid).toBe(inBookings.sid);
    await refreshRefused(inBookings);
    expect(await store.sessionsOfAccount('default', 'C1')).toEqual([]);
  });

  it('"sign out of this app" ends that app only', async () => {
    const browser = new Browser();
    const inBookings = await signIn(browser, bookings, bookingsRedirect);
    const inInvoices = await signIn(browser, invoices, invoicesRedirect);
    const out = await browser.post(`${origin}/account/apps/sign-out`, { app: bookings.appId });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/account?notice=app-signed-out');
    expect(received.map((r) => r.path)).toEqual(['/bookings/logout']);
    expect((await verifiedLogoutToken(received[0]!.token, bookings.appId)).sid).toBe(inBookings.sid);
    await refreshRefused(inBookings);
    const refreshed = await client.refreshTokenGrant(inInvoices.config, inInvoices.refreshToken);
    expect(refreshed.access_token).toBeTruthy();
    const account = await (await browser.get(new URL(out.headers.get('location')!, origin))).text();
    expect(account).toContain('You are signed out of that app.');
    expect(account).toContain('Sign out of Invoices');
    expect(account).not.toContain('Sign out of Bookings');

    // Another client's browser cannot sign her out of an app: the form is same-origin and per session.
    const stranger = await new Browser().post(`${origin}/account/apps/sign-out`, { app: invoices.appId });
    expect(stranger.headers.get('location')).toMatch(/^\/login/);
    const crossSite = await fetch(`${origin}/account/apps/sign-out`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: `app=${invoices.appId}`,
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    const still = await client.refreshTokenGrant(inInvoices.config, refreshed.refresh_token!);
    expect(still.access_token).toBeTruthy();
  });
  it('a logout token a portal did not take is sent again when due, once, and then forgotten', async () => {
    const browser = new Browser();
    const inBookings = await signIn(browser, bookings, bookingsRedirect);
    failOnce.add('/bookings/logout');
    await changeLoginAccess(app.deps, { clientId: 'C1', action: 'revoke-sessions' }, { actor: staff });
    await reactor.drain();
    expect(failOnce.has('/bookings/logout')).toBe(false);
    // (Her other portal, still signed in from the test before, takes its token at once.)
    const toBookings = () => received.filter((r) => r.path === '/bookings/logout');
    expect(toBookings()).toEqual([]);
    // The portal's grant went at once all the same.
    await refreshRefused(inBookings);
    const waiting = await store.payloadsOfModel('default', pendingLogoutModel);
    expect(waiting.filter((notice) => notice.appId === bookings.appId)).toHaveLength(1);

    // Not before its time (a minute after the failure), then once.
    expect(await reactor.retryFailedLogouts(new Date())).toBe(0);
    expect(toBookings()).toEqual([]);
    expect(await reactor.retryFailedLogouts(new Date(Date.now() + 61_000))).toBe(1);
    expect(toBookings()).toHaveLength(1);
    expect((await verifiedLogoutToken(toBookings()[0]!.token, bookings.appId)).sid).toBe(inBookings.sid);
    const after = await store.payloadsOfModel('default', pendingLogoutModel);
    expect(after.filter((notice) => notice.appId === bookings.appId)).toEqual([]);
    expect(await reactor.retryFailedLogouts(new Date(Date.now() + 3_600_000))).toBe(0);
    expect(toBookings()).toHaveLength(1);
  });
});
