import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { oidcHosting } from '../../src/oidc/hosting.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { createTestApp, registerClients, type TestApp } from '../support/app.ts';
import { giveLogin, givePermanentPassword, giveTempPassword, mintResetToken } from '../http/support.ts';
import { addApp, authorizationRequest, discoverIssuer, freePort, type RegisteredApp } from '../oidc/support.ts';
import { launchChromium, watchForProblems } from './support.ts';

/**
 * The forms that finish a portal's sign-in, in Chromium, with and without JavaScript: a typed
 * password, a temporary password and then a new one, and a reset asked for on the way, each end
 * at the portal's callback with a code. Without JavaScript the site's `form-action 'self'` would
 * stop a form's redirect to the portal; the site hands over with a page of its own instead.
 */
describe("the forms that finish a portal's sign-in, in Chromium", () => {
  let app: TestApp;
  let store: OidcStore;
  let server: RunningServer;
  let portalServer: Server;
  let browser: Browser;
  let origin: string;
  let portal: string;
  let portalApp: RegisteredApp;
  let password = 'velvet otter juggles lanterns';

  beforeAll(async () => {
    const [port, portalPort] = [await freePort(), await freePort()];
    origin = `http://127.0.0.1:${port}`;
    portal = `http://localhost:${portalPort}/callback`;
    portalServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Portal</title><h1>Back at the portal</h1>');
    });
    await new Promise<void>((resolve) => portalServer.listen(portalPort, '127.0.0.1', resolve));
    app = await createTestApp({ PUBLIC_ORIGIN: origin, IP_RATE_LIMIT_PER_MINUTE: '1000' });
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
      { clientId: 'C2', firstName: 'Noah', lastName: 'Kim', email: 'noah@example.com' },
    ]);
    await giveLogin(app, 'C1', 'olivia');
    await giveLogin(app, 'C2', 'noah.kim');
    await givePermanentPassword(app, 'C1', 'olivia', password);
    portalApp = await addApp(app, 'default', portal);
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    server = await startHttpServer(createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) }), {
      port,
      host: '127.0.0.1',
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => portalServer?.close(resolve));
    await store?.close();
    await app?.dispose();
  });

  /** A portal sends a new browser to Latchkey; `steps` fill in the forms; the browser must end at the portal. */
  async function signInThroughPortal(
    javaScriptEnabled: boolean,
    expectedSub: string,
    steps: (page: Page) => Promise<void>,
  ): Promise<void> {
    const config = await discoverIssuer(origin, portalApp);
    const { url: authorization, checks } = await authorizationRequest(config, portal, { scope: 'openid profile' });
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const problems = watchForProblems(page);
    try {
      await page.goto(authorization.href);
      expect(new URL(page.url()).pathname).toBe('/login');
      await steps(page);
      await page.waitForURL((url) => url.href.startsWith(portal));
      expect(await page.locator('h1').textContent()).toBe('Back at the portal');
      const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), checks);
      expect(tokens.claims()?.sub).toBe(expectedSub);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }

  async function logIn(page: Page, userName: string, password: string) {
    await page.getByLabel('User name (usually your email)').fill(userName);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  async function fillNewPassword(page: Page, password: string, button: string) {
    await page.locator('input[name="newPassword"]').fill(password);
    await page.locator('input[name="confirmPassword"]').fill(password);
    await page.getByRole('button', { name: button }).click();
  }

  for (const javaScriptEnabled of [true, false]) {
    const how = javaScriptEnabled ? 'with' : 'without';

    it(`${how} JavaScript, forgot password → reset in the same browser → back at the portal with a code`, async () => {
      password = javaScriptEnabled ? 'copper kettle whistles softly' : 'amber walrus hums quietly';
      await signInThroughPortal(javaScriptEnabled, 'C1', async (page) => {
        await page.getByRole('link', { name: 'Forgot your password?' }).click();
        await page.waitForURL((url) => url.pathname === '/forgot-password');
        await page.getByLabel('User name or email address').fill('olivia');
        await page.getByRole('button', { name: 'Email me a link' }).click();
        await page.waitForURL((url) => url.pathname === '/forgot-password/sent');
        expect(await page.locator('#reset-returns').isVisible()).toBe(true);
        await page.goto(`${origin}/reset/${await mintResetToken(app, 'C1')}`);
        await fillNewPassword(page, password, 'Save my new password');
      });
    });

    it(`${how} JavaScript, a typed password at the login form → back at the portal with a code`, async () => {
      await signInThroughPortal(javaScriptEnabled, 'C1', (page) => logIn(page, 'olivia', password));
    });

    it(`${how} JavaScript, a temporary password → choose a password → back at the portal with a code`, async () => {
      const temp = await giveTempPassword(app, 'C2');
      await signInThroughPortal(javaScriptEnabled, 'C2', async (page) => {
        await logIn(page, 'noah.kim', temp);
        await page.waitForURL((url) => url.pathname === '/choose-password');
        await fillNewPassword(
          page,
          javaScriptEnabled ? 'lantern meadow drifts slowly' : 'pebble harbor sings brightly',
          'Save my password',
        );
      });
    });
  }
});
