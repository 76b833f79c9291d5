import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { portalReturnMaxAgeSeconds } from '../../src/http/portal-return.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { oidcHosting } from '../../src/oidc/hosting.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { createTestApp, registerClients, type TestApp } from '../support/app.ts';
import {
  giveLogin,
  givePermanentPassword,
  mintResetToken,
  otherStrongPassword,
  strongPassword,
} from '../http/support.ts';
import {
  addApp,
  authorizationRequest,
  Browser,
  discoverIssuer,
  freePort,
  hiddenField,
  type RegisteredApp,
} from './support.ts';

/**
 * The forgot flows in the middle of a portal's sign-in, through a real server with openid-client
 * as the portal: the pages keep the return, the emailed link never carries it, and a reset made
 * in the same browser goes back to the portal's authorization.
 */
describe('forgetting a password or a user name while signing in to a portal', () => {
  let app: TestApp;
  let store: OidcStore;
  let server: RunningServer;
  let origin: string;
  const portal = 'http://localhost:4997/callback';
  let portalApp: RegisteredApp;
  let password = strongPassword;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    app = await createTestApp({ PUBLIC_ORIGIN: origin });
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
    ]);
    await giveLogin(app, 'C1', 'olivia');
    await givePermanentPassword(app, 'C1', 'olivia', password);
    portalApp = await addApp(app, 'default', portal);
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    const http = createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) });
    server = await startHttpServer(http, { port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    await app.dispose();
  });

  /** A portal starts a sign-in in `browser`, which lands on the login form: the return it carries. */
  async function startSignIn(browser: Browser) {
    const config = await discoverIssuer(origin, portalApp);
    const { url, checks } = await authorizationRequest(config, portal, { scope: 'openid profile' });
    const toLogin = await browser.follow(url, `${origin}/login`);
    expect(toLogin.url.pathname).toBe('/login');
    const returnTo = toLogin.url.searchParams.get('return')!;
    expect(returnTo).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
    return { config, checks, returnTo, loginUrl: toLogin.url };
  }

  const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
  const withReturn = (path: string, returnTo: string) => `${path}?return=${encodeURIComponent(returnTo)}`;
  const newPassword = (value: string) => ({ newPassword: value, confirmPassword: value });

  async function signInsToApps() {
    const events = await app.deps.store.readAll({ after: null, limit: 100_000 });
    return events.filter((event) => event.type === 'ClientSignedInToApp').map((event) => event.data);
  }

  it('a reset asked for during a sign-in, finished in the same browser, lands back at the portal signed in', async () => {
    const browser = new Browser();
    const started = await startSignIn(browser);
    const loginPage = await (await browser.get(started.loginUrl)).text();
    expect(hrefs(loginPage)).toContain(withReturn('/forgot-password', started.returnTo));
    expect(hrefs(loginPage)).toContain(withReturn('/forgot-username', started.returnTo));

    const forgotPage = await (await browser.get(`${origin}${withReturn('/forgot-password', started.returnTo)}`)).text();
    expect(hiddenField(forgotPage, 'return')).toBe(started.returnTo);
    expect(hrefs(forgotPage)).toContain(withReturn('/login', started.returnTo));
    const asked = await browser.post(`${origin}/forgot-password`, { identifier: 'olivia', return: started.returnTo });
    expect(asked.status).toBe(303);
    expect(asked.headers.get('location')).toBe(withReturn('/forgot-password/sent', started.returnTo));
    const cookie = asked.headers.getSetCookie().find((line) => line.startsWith('latchkey-return='));
    expect(cookie).toContain(`Max-Age=${portalReturnMaxAgeSeconds}`);
    expect(cookie).toMatch(/HttpOnly/i);
    const sentPage = await (await browser.get(`${origin}${asked.headers.get('location')!}`)).text();
    expect(sentPage).toContain('id="reset-returns"');
    expect(hrefs(sentPage)).toContain(withReturn('/login', started.returnTo));

    // The emailed link is the token alone.
    const link = `${origin}/reset/${await mintResetToken(app, 'C1')}`;
    expect(link).not.toContain('return');
    const resetPage = await browser.get(link);
    expect(resetPage.status).toBe(200);
    expect(await resetPage.text()).toContain('takes you back to the app you were signing in to');
    password = otherStrongPassword;
    const reset = await browser.post(link, newPassword(password));
    expect(reset.status).toBe(303);
    expect(reset.headers.get('location')).toBe(started.returnTo);
    expect(reset.headers.getSetCookie().some((line) => /^latchkey-return=;/.test(line))).toBe(true);

    const back = await browser.follow(new URL(started.returnTo, origin), portal);
    expect(back.url.origin + back.url.pathname).toBe(portal);
    const tokens = await client.authorizationCodeGrant(started.config, back.url, started.checks);
    expect(tokens.claims()?.sub).toBe('C1');
    expect((await signInsToApps()).at(-1)).toMatchObject({
      clientId: 'C1',
      appId: portalApp.appId,
      method: 'password reset',
    });
  });

  it('a reset finished on another device goes to its account page; the first browser logs in and carries on', async () => {
    const browser = new Browser();
    const started = await startSignIn(browser);
    await browser.post(`${origin}/forgot-password`, { identifier: 'olivia@example.com', return: started.returnTo });
    const phone = new Browser();
    const link = `${origin}/reset/${await mintResetToken(app, 'C1')}`;
    expect(await (await phone.get(link)).text()).not.toContain('takes you back to the app');
    password = strongPassword;
    const reset = await phone.post(link, newPassword(password));
    expect(reset.headers.get('location')).toBe('/account?notice=password-reset');

    const back = await browser.logInAndReturn(origin, started.returnTo, { username: 'olivia', password }, portal);
    expect(back.url.searchParams.get('code')).toBeTruthy();
    expect((await signInsToApps()).at(-1)).toMatchObject({ method: 'password' });
  });

  it('asking for a link again outside the sign-in forgets the return: that reset opens the account page', async () => {
    const browser = new Browser();
    const started = await startSignIn(browser);
    await browser.post(`${origin}/forgot-password`, { identifier: 'olivia', return: started.returnTo });
    const again = await browser.post(`${origin}/forgot-password`, { identifier: 'olivia' });
    expect(again.headers.get('location')).toBe('/forgot-password/sent');
    password = otherStrongPassword;
    const reset = await browser.post(`${origin}/reset/${await mintResetToken(app, 'C1')}`, newPassword(password));
    expect(reset.headers.get('location')).toBe('/account?notice=password-reset');
  });

  it('a forgotten user name keeps the return through its pages back to the login form', async () => {
    const browser = new Browser();
    const started = await startSignIn(browser);
    const page = await (await browser.get(`${origin}${withReturn('/forgot-username', started.returnTo)}`)).text();
    expect(hiddenField(page, 'return')).toBe(started.returnTo);
    expect(hrefs(page)).toContain(withReturn('/forgot-password', started.returnTo));
    const invalid = await browser.post(`${origin}/forgot-username`, {
      email: 'not an address',
      return: started.returnTo,
    });
    expect(invalid.status).toBe(422);
    expect(hiddenField(await invalid.text(), 'return')).toBe(started.returnTo);
    const asked = await browser.post(`${origin}/forgot-username`, {
      email: 'olivia@example.com',
      return: started.returnTo,
    });
    expect(asked.headers.get('location')).toBe(withReturn('/forgot-username/sent', started.returnTo));
    const sent = await (await browser.get(`${origin}${asked.headers.get('location')!}`)).text();
    expect(hrefs(sent)).toContain(withReturn('/login', started.returnTo));
    const loginPage = await (await browser.get(`${origin}${withReturn('/login', started.returnTo)}`)).text();
    expect(hiddenField(loginPage, 'return')).toBe(started.returnTo);
  });

  it('asking for a link with a return answers the same whether or not anything matched', async () => {
    const browser = new Browser();
    const started = await startSignIn(browser);
    const answers = [];
    for (const identifier of ['olivia', 'nobody-here']) {
      const asked = await browser.post(`${origin}/forgot-password`, { identifier, return: started.returnTo });
      answers.push({
        status: asked.status,
        location: asked.headers.get('location'),
        cookies: asked.headers.getSetCookie().map((line) => line.replace(/=[^;]*/, '=…')),
      });
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it('a return that is not a sign-in of this site is dropped by the forgot pages and never followed after a reset', async () => {
    const browser = new Browser();
    for (const hostile of [
      'https://evil.example/oidc/interaction/x',
      '//evil.example/oidc/interaction/x',
      '/account',
    ]) {
      for (const path of ['/forgot-password', '/forgot-username', '/forgot-password/sent', '/forgot-username/sent']) {
        const page = await (await browser.get(`${origin}${withReturn(path, hostile)}`)).text();
        expect(hiddenField(page, 'return')).toBeNull();
        expect(hrefs(page).some((href) => href.includes('return='))).toBe(false);
      }
      const asked = await browser.post(`${origin}/forgot-password`, { identifier: 'olivia', return: hostile });
      expect(asked.headers.get('location')).toBe('/forgot-password/sent');
      expect(asked.headers.getSetCookie().some((line) => /^latchkey-return=[^;]/.test(line))).toBe(false);
    }
    // A planted cookie is checked as it is read.
    const planted = await fetch(`${origin}/reset/${await mintResetToken(app, 'C1')}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        origin,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `latchkey-return=${encodeURIComponent('https://evil.example/')}`,
      },
      body: new URLSearchParams(newPassword(strongPassword + ' again')).toString(),
    });
    expect(planted.headers.get('location')).toBe('/account?notice=password-reset');
  });

  it('nothing of the sign-in it came from is in the log, from which every email is made', async () => {
    const events = await app.deps.store.readAll({ after: null, limit: 100_000 });
    expect(events.some((event) => event.type === 'PasswordResetRequested')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('/oidc/interaction/');
  });
});
