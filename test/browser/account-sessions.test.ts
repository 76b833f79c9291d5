import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerClients } from '../support/app.ts';
import { giveLogin, givePermanentPassword } from '../http/support.ts';
import { launchChromium, screenshot, startSiteServer, watchForProblems, type SiteServer } from './support.ts';

const password = 'velvet otter juggles lanterns';
const firefoxOnMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0';
const chromeOnWindows =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let browser: Browser;
let server: SiteServer;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  // Every request here comes from 127.0.0.1: the per-network limit is not what these tests are about.
  server = await startSiteServer({ BUSINESS_NAME: 'Happy Paws Pet Sitting', IP_RATE_LIMIT_PER_MINUTE: '1000' });
  await registerClients(server.app, [
    { clientId: 'S1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
    { clientId: 'S2', firstName: 'Liam', lastName: 'Garcia', email: 'liam@example.com' },
  ]);
  await giveLogin(server.app, 'S1', 'olivia.nguyen');
  await givePermanentPassword(server.app, 'S1', 'olivia.nguyen', password);
  await giveLogin(server.app, 'S2', 'liam.garcia');
  await givePermanentPassword(server.app, 'S2', 'liam.garcia', password);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
});

async function openBrowser(userAgent: string) {
  const context = await browser.newContext({ userAgent, baseURL: server.url, viewport: { width: 390, height: 844 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems = watchForProblems(page);
  return { context, page, problems };
}

async function logIn(page: Awaited<ReturnType<typeof openBrowser>>['page'], userName: string, keep = false) {
  await page.goto('/login');
  await page.getByLabel('User name').fill(userName);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (keep) await page.getByLabel('Keep me signed in on this device').check();
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe('the account page in Chromium', () => {
  it('lists both browsers, logs out the other one from this one, and keeps a kept session past the browser', async () => {
    const laptop = await openBrowser(chromeOnWindows);
    const phone = await openBrowser(firefoxOnMac);
    await logIn(laptop.page, 'olivia.nguyen', true);
    await laptop.page.waitForURL('**/account');
    await logIn(phone.page, 'olivia.nguyen');
    await phone.page.waitForURL('**/account');

    await laptop.page.reload();
    const list = laptop.page.locator('#session-list');
    await expect.poll(() => list.locator('li').count()).toBe(2);
    expect(await list.textContent()).toContain('Chrome on Windows (this device)');
    expect(await list.textContent()).toContain('Firefox on macOS');
    expect(await list.textContent()).toContain('kept signed in');
    await screenshot(laptop.page, 'account-sessions');

    await laptop.page.getByRole('button', { name: 'Log out Firefox on macOS' }).click();
    await laptop.page.waitForURL('**/account?notice=session-ended');
    await expect.poll(() => list.locator('li').count()).toBe(1);
    expect(await laptop.page.getByText('That device was logged out.').count()).toBe(1);

    await phone.page.goto('/account');
    expect(new URL(phone.page.url()).pathname).toBe('/login');

    // Kept: a cookie with an expiry, which survives closing the browser; not kept: a browser-session cookie.
    const sessionCookie = async (context: BrowserContext) =>
      (await context.cookies()).find((cookie) => cookie.name === '__Host-latchkey');
    expect((await sessionCookie(laptop.context))?.expires).toBeGreaterThan(Date.now() / 1000 + 29 * 24 * 3600);
    await logIn(phone.page, 'olivia.nguyen');
    await phone.page.waitForURL('**/account');
    expect((await sessionCookie(phone.context))?.expires).toBe(-1);
    expect([...laptop.problems, ...phone.problems]).toEqual([]);
  });

  it("after a stranger's 30 wrong tries, the client's known browser gets in at once while a fresh one waits", async () => {
    const known = await openBrowser(chromeOnWindows);
    await logIn(known.page, 'liam.garcia');
    await known.page.waitForURL('**/account');
    await known.page.getByRole('button', { name: 'Log out', exact: true }).click();
    await known.page.waitForURL('**/login?notice=logged-out');

    for (let i = 0; i < 30; i++) {
      const response = await fetch(`${server.url}/login`, {
        method: 'POST',
        headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'liam.garcia', password: `stranger guess ${i}` }).toString(),
      });
      expect(response.status).toBe(422);
      server.app.clock.advance(1000);
    }

    const fresh = await openBrowser(firefoxOnMac);
    await logIn(fresh.page, 'liam.garcia');
    await fresh.page.getByRole('alert').first().waitFor();
    expect(new URL(fresh.page.url()).pathname).toBe('/login');

    await logIn(known.page, 'liam.garcia');
    await known.page.waitForURL('**/account');
    expect(await known.page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    expect([...known.problems, ...fresh.problems]).toEqual([]);
  });
});
