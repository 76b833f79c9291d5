import type { ServerType } from '@hono/node-server';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal } from '../../examples/portal/portal.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { oidcHosting } from '../../src/oidc/hosting.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { registerOidcApp } from '../../src/oidc/apps.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';
import { giveLogin, giveTempPassword } from '../http/support.ts';
import { freePort } from '../oidc/support.ts';
import { launchChromium, watchForProblems } from './support.ts';

/**
 * The example portal (openid-client) and Latchkey, in Chromium: a temporary password, a new
 * password, and back at the portal signed in; a second portal of the business signed in without
 * the form; and logging out of the portal ends the Latchkey side too.
 */
describe('the example portal signs a client in through Latchkey, in Chromium', () => {
  let app: TestApp;
  let store: OidcStore;
  let server: RunningServer;
  const portals: { origin: string; server: ServerType }[] = [];
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    app = await createTestApp({ PUBLIC_ORIGIN: origin, IP_RATE_LIMIT_PER_MINUTE: '1000', BUSINESS_NAME: 'Happy Paws' });
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
      { clientId: 'C2', firstName: 'Noah', lastName: 'Kim', email: 'noah@example.com' },
    ]);
    await giveLogin(app, 'C1', 'olivia');
    await giveLogin(app, 'C2', 'noah.kim');
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    server = await startHttpServer(createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) }), {
      port,
      host: '127.0.0.1',
    });
    for (const name of ['Bookings', 'Invoices']) {
      const portalPort = await freePort();
      const portalOrigin = `http://localhost:${portalPort}`;
      const registered = await registerOidcApp(
        app.deps,
        {
          businessId: 'default',
          name,
          redirectUris: [`${portalOrigin}/callback`],
          postLogoutRedirectUris: [`${portalOrigin}/`],
          backchannelLogoutUri: null,
        },
        { actor: staff },
      );
      if (!registered.ok) throw new Error(registered.error.message);
      const portalServer = await startPortal({
        issuer: `${origin}/oidc`,
        clientId: registered.value.app.appId,
        clientSecret: registered.value.clientSecret,
        origin: portalOrigin,
        businessName: 'Happy Paws',
        port: portalPort,
      });
      portals.push({ origin: portalOrigin, server: portalServer });
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const portal of portals) await new Promise((resolve) => portal.server.close(resolve));
    await server?.close();
    await store?.close();
    await app?.dispose();
  });

  async function logIn(page: Page, userName: string, password: string) {
    await page.getByLabel('User name (usually your email)').fill(userName);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  for (const javaScriptEnabled of [true, false]) {
    const how = javaScriptEnabled ? 'with' : 'without';
    const [clientId, userName, name, password] = javaScriptEnabled
      ? ['C1', 'olivia', 'Olivia Nguyen', 'velvet otter juggles lanterns']
      : ['C2', 'noah.kim', 'Noah Kim', 'copper kettle whistles softly'];

    it(`${how} JavaScript: temporary password → new password → signed in at both portals → logged out`, async () => {
      const [bookings, invoices] = portals as [(typeof portals)[0], (typeof portals)[0]];
      const temp = await giveTempPassword(app, clientId);
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      const problems = watchForProblems(page);
      try {
        await page.goto(bookings.origin);
        await page.getByRole('link', { name: 'Sign in with Happy Paws' }).click();
        await page.waitForURL((url) => url.origin === origin && url.pathname === '/login');
        await logIn(page, userName, temp);
        await page.waitForURL((url) => url.pathname === '/choose-password');
        await page.locator('input[name="newPassword"]').fill(password);
        await page.locator('input[name="confirmPassword"]').fill(password);
        await page.getByRole('button', { name: 'Save my password' }).click();
        await page.waitForURL((url) => url.origin === bookings.origin && url.pathname === '/');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Hello, ${name}`);

        // The second portal: signed in by the provider's session, with no form on the way.
        await page.goto(invoices.origin);
        await page.getByRole('link', { name: 'Sign in with Happy Paws' }).click();
        await page.waitForURL((url) => url.origin === invoices.origin && url.pathname === '/');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Hello, ${name}`);

        // Logging out of a portal goes through Latchkey's logout and back.
        await page.goto(bookings.origin);
        await page.getByRole('button', { name: 'Log out' }).click();
        await page.waitForURL((url) => url.origin === origin && url.pathname.startsWith('/oidc/session/end'));
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Log out?');
        await page.getByRole('button', { name: 'Yes, log me out' }).click();
        await page.waitForURL((url) => url.origin === bookings.origin && url.pathname === '/');
        expect(await page.getByRole('link', { name: 'Sign in with Happy Paws' }).count()).toBe(1);
        // The log-out ended the Latchkey session too: signing in again asks for the password.
        await page.getByRole('link', { name: 'Sign in with Happy Paws' }).click();
        await page.waitForURL((url) => url.origin === origin && url.pathname === '/login');
        await logIn(page, userName, password);
        await page.waitForURL((url) => url.origin === bookings.origin && url.pathname === '/');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Hello, ${name}`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
