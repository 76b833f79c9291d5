import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerClients } from '../support/app.ts';
import { giveLogin, givePermanentPassword, giveTempPassword, mintResetToken, mistype } from '../http/support.ts';
import {
  launchChromium,
  screenshot,
  seriousAccessibilityProblems,
  startSiteServer,
  watchForProblems,
  type SiteServer,
} from './support.ts';

const newPassword = 'velvet otter juggles lanterns';
const resetPassword = 'copper kettle whistles softly';

let browser: Browser;
let server: SiteServer;
let clientCount = 0;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startSiteServer({
    BUSINESS_NAME: 'Happy Paws Pet Sitting',
    BUSINESS_CONTACT: 'call 555-0100 or hello@happypaws.example',
    // Every test here posts from 127.0.0.1; the per-IP limit has its own HTTP tests.
    IP_RATE_LIMIT_PER_MINUTE: '1000',
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A new client with a login, so the tests in this file never share an account. */
async function newClientWithLogin(): Promise<{ clientId: string; userName: string }> {
  clientCount += 1;
  const clientId = `B${clientCount}`;
  const userName = `client.number${clientCount}`;
  await registerClients(server.app, [
    { clientId, firstName: 'Browser', lastName: `Tester${clientCount}`, email: `${userName}@example.com` },
  ]);
  await giveLogin(server.app, clientId, userName);
  return { clientId, userName };
}

interface FocusRing {
  element: string;
  style: string;
  width: string;
  color: string;
  background: string;
}

/** The focused element's outline, and the first opaque background behind it. */
const focusRingScript = `(() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let behind = element.parentElement;
  while (behind && getComputedStyle(behind).backgroundColor === 'rgba(0, 0, 0, 0)') behind = behind.parentElement;
  return JSON.stringify({
    element: element.tagName.toLowerCase() + (element.id ? '#' + element.id : ''),
    style: style.outlineStyle,
    width: style.outlineWidth,
    color: style.outlineColor,
    background: behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)',
  });
})()`;

/** WCAG 2 contrast ratio of two opaque rgb() colours. */
function contrastRatio(first: string, second: string): number {
  const luminance = (colour: string) => {
    const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).map(Number).map((channel) => {
      const c = channel / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'js' : 'nojs';

  describe(`client site with JavaScript ${javaScript ? 'on' : 'off'}`, () => {
    let context: BrowserContext;
    let page: Page;
    let problems: string[];
    const htmxPosts: string[] = [];

    beforeAll(async () => {
      context = await browser.newContext({
        javaScriptEnabled: javaScript,
        viewport: { width: 390, height: 844 },
        baseURL: server.url,
      });
    });
    afterAll(async () => context?.close());
    afterEach(async () => {
      await page.close();
      expect(problems).toEqual([]);
    });

    const openPage = async () => {
      await context.clearCookies();
      page = await context.newPage();
      problems = watchForProblems(page);
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.headers()['hx-request'] === 'true')
          htmxPosts.push(new URL(request.url()).pathname);
      });
      return page;
    };

    const logIn = async (userName: string, password: string) => {
      await page.getByLabel('User name').fill(userName);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
    };

    /**
     * axe-core on the page as it is. Only with JavaScript on: a page with JavaScript off runs no
     * timers, which axe needs, and its server-rendered markup is the same (less the show-password
     * buttons, which the stylesheet hides then).
     */
    const expectAccessible = async () => {
      if (javaScript) expect(await seriousAccessibilityProblems(page)).toEqual([]);
    };

    /** Waits until something has the focus, then names it. */
    const focusedId = async () =>
      (await page.waitForFunction('document.activeElement && document.activeElement.id')).jsonValue();

    it('temporary password → choose a new one → account → log out → log in with the new password', async () => {
      const { clientId, userName } = await newClientWithLogin();
      const temp = await giveTempPassword(server.app, clientId);
      await openPage();
      await page.goto('/');
      await page.waitForURL('**/login');
      await screenshot(page, `${mode}-login`);
      await expectAccessible();
      await logIn(userName, temp);
      await page.waitForURL('**/choose-password');
      await screenshot(page, `${mode}-choose-password`);
      await expectAccessible();

      await page.getByLabel('New password', { exact: true }).fill(temp);
      await page.getByLabel('Type the new password again').fill(temp);
      await page.getByRole('button', { name: 'Save my password' }).click();
      await page.getByText("can't be the temporary one").first().waitFor();
      expect(await focusedId()).toBe('newPassword');
      await screenshot(page, `${mode}-choose-password-error`);
      await expectAccessible();

      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Type the new password again').fill(newPassword);
      await page.getByRole('button', { name: 'Save my password' }).click();
      await page.waitForURL('**/account?notice=password-set');
      expect(await page.getByRole('status').innerText()).toContain('Your new password is saved');
      expect(await page.locator('dl.facts').innerText()).toContain(userName);
      await screenshot(page, `${mode}-account`);
      await expectAccessible();

      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await page.waitForURL('**/login?notice=logged-out');
      expect(await page.getByRole('status').innerText()).toContain('You have logged out.');
      await page.goto('/account');
      await page.waitForURL('**/login');

      await logIn(userName, newPassword);
      await page.waitForURL('**/account');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Your account');
      expect(htmxPosts.includes('/login')).toBe(javaScript);
    });

    it('a mistyped temporary password burns it: the right one is then refused too', async () => {
      const { clientId, userName } = await newClientWithLogin();
      const temp = await giveTempPassword(server.app, clientId);
      await openPage();
      await page.goto('/login');
      await logIn(userName, mistype(temp));
      await page.locator('#login-error').waitFor();
      expect(await focusedId()).toBe('password');
      expect(await page.getByLabel('User name').inputValue()).toBe(userName);
      await screenshot(page, `${mode}-login-failed`);
      await expectAccessible();

      await logIn(userName, temp);
      await page.locator('#login-error').waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(server.app.deps.readModels.credentials.getCredential(clientId)?.tempOutcome).toBe('burned_failed_attempt');
    });

    it('a temporary password pasted with spaces around it, or typed in capitals, still opens the first login', async () => {
      const { clientId, userName } = await newClientWithLogin();
      const temp = await giveTempPassword(server.app, clientId);
      await openPage();
      await page.goto(`/login?username=${encodeURIComponent(userName)}`);
      const password = page.getByLabel('Password', { exact: true });
      await password.focus();
      // As a paste arrives: one insertion of the copied text, surrounding spaces included.
      await page.keyboard.insertText(`  ${temp.toUpperCase()} `);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL('**/choose-password');
      expect(server.app.deps.readModels.credentials.getCredential(clientId)?.tempOutcome).toBe('consumed');
    });

    it('a forgotten password is replaced through the emailed link, which then signs the client in', async () => {
      const { clientId, userName } = await newClientWithLogin();
      await givePermanentPassword(server.app, clientId, userName, newPassword);
      await openPage();
      await page.goto('/login');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.waitForURL('**/forgot-password');
      await screenshot(page, `${mode}-forgot-password`);
      await expectAccessible();
      await page.getByLabel('User name or email address').fill(`${userName}@example.com`);
      await page.getByRole('button', { name: 'Email me a link' }).click();
      await page.waitForURL('**/forgot-password/sent');
      await screenshot(page, `${mode}-forgot-password-sent`);
      await expectAccessible();

      const link = `/reset/${await mintResetToken(server.app, clientId)}`;
      await page.goto(link);
      await screenshot(page, `${mode}-reset`);
      await expectAccessible();
      await page.getByLabel('New password', { exact: true }).fill('password');
      await page.getByLabel('Type the new password again').fill('password');
      await page.getByRole('button', { name: 'Save my new password' }).click();
      await page.locator('#newPassword-error').waitFor();
      expect(await focusedId()).toBe('newPassword');
      await screenshot(page, `${mode}-reset-error`);
      await expectAccessible();

      await page.getByLabel('New password', { exact: true }).fill(resetPassword);
      await page.getByLabel('Type the new password again').fill(resetPassword);
      await page.getByRole('button', { name: 'Save my new password' }).click();
      // The reset signs this browser in: no second typing of the new password.
      await page.waitForURL('**/account?notice=password-reset');
      expect(await page.getByRole('status').innerText()).toContain('you are logged in');
      expect(await page.locator('dl.facts').innerText()).toContain(userName);
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await page.waitForURL('**/login?notice=logged-out');
      await page.goto(link);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('This link no longer works');
      await screenshot(page, `${mode}-reset-link-invalid`);
      await expectAccessible();
      await page.getByRole('link', { name: 'Back to log in' }).click();
      await page.waitForURL('**/login');
      await logIn(userName, resetPassword);
      await page.waitForURL('**/account');
      expect(htmxPosts.some((path) => path.startsWith('/reset/'))).toBe(javaScript);
    });

    it('a show-password button works by mouse and keyboard, and is offered only when JavaScript runs', async () => {
      const { userName } = await newClientWithLogin();
      await openPage();
      await page.goto('/login');
      const password = page.getByLabel('Password', { exact: true });
      const toggle = page.getByRole('button', { name: 'Show password' });
      if (!javaScript) {
        expect(await toggle.count()).toBe(0);
        expect(await page.locator('button.password-toggle').isVisible()).toBe(false);
        return;
      }
      await password.fill('typed secret words');
      expect(await toggle.getAttribute('aria-controls')).toBe('password');
      await toggle.click();
      expect(await password.getAttribute('type')).toBe('text');
      expect(await page.getByRole('button', { name: 'Show password', pressed: true }).count()).toBe(1);
      await password.focus();
      await page.keyboard.press('Tab');
      expect(await page.locator('button.password-toggle:focus').getAttribute('aria-controls')).toBe('password');
      await page.keyboard.press('Space');
      expect(await password.getAttribute('type')).toBe('password');
      await page.keyboard.press('Enter');
      expect(await password.getAttribute('type')).toBe('text');

      // Sending the form puts the field back to a password field; the swapped-in form's button works too.
      await page.getByLabel('User name').fill(userName);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('#login-error').waitFor();
      expect(await password.getAttribute('type')).toBe('password');
      await password.fill('another try');
      await page.getByRole('button', { name: 'Show password', pressed: false }).click();
      expect(await password.getAttribute('type')).toBe('text');
    });

    it('the focus ring keeps a 3:1 contrast with what surrounds it on every control, by keyboard', async () => {
      await openPage();
      await page.goto('/login');
      const seen = new Set<string>();
      for (let tab = 0; tab < 8; tab++) {
        await page.keyboard.press('Tab');
        const ring = JSON.parse((await page.evaluate(focusRingScript)) as string) as FocusRing;
        if (ring.element === 'body') break;
        seen.add(ring.element);
        expect({ element: ring.element, style: ring.style }).toEqual({ element: ring.element, style: 'solid' });
        expect(parseFloat(ring.width)).toBeGreaterThanOrEqual(2);
        expect({ element: ring.element, ratio: contrastRatio(ring.color, ring.background) >= 3 }).toEqual({
          element: ring.element,
          ratio: true,
        });
      }
      expect([...seen].some((element) => element.startsWith('input'))).toBe(true);
      expect([...seen].some((element) => element.startsWith('a'))).toBe(true);
      expect([...seen].some((element) => element.startsWith('button'))).toBe(true);
    });

    it('the page has a favicon that loads, and /favicon.ico leads to it', async () => {
      await openPage();
      await page.goto('/login');
      const href = await page.locator('link[rel="icon"]').getAttribute('href');
      const icon = await page.request.get(href!);
      expect(icon.status()).toBe(200);
      expect(icon.headers()['content-type']).toBe('image/svg+xml');
      await page.goto('/favicon.ico');
      expect(new URL(page.url()).pathname).toBe(href);
    });

    it('a failed login titles the page "Error:", with or without htmx', async () => {
      await openPage();
      await page.goto('/login');
      expect(await page.title()).toMatch(/^Log in – /);
      await logIn('nobody.here', 'not a password at all');
      await page.locator('#login-error').waitFor();
      await expect.poll(() => page.title()).toMatch(/^Error:/);
      expect(await page.title()).toMatch(/^Error: Log in – Happy Paws Pet Sitting$/);
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    });

    it('a forgotten user name is asked for with the email on file', async () => {
      await openPage();
      await page.goto('/forgot-username');
      await page.getByLabel('Email address').fill('');
      await page.getByRole('button', { name: 'Email me my user name' }).click();
      await page.locator('#email-error').waitFor();
      expect(await focusedId()).toBe('email');
      await screenshot(page, `${mode}-forgot-username-error`);
      await expectAccessible();
      await page.getByLabel('Email address').fill('someone@example.com');
      await page.getByRole('button', { name: 'Email me my user name' }).click();
      await page.waitForURL('**/forgot-username/sent');
      await screenshot(page, `${mode}-forgot-username-sent`);
      await expectAccessible();
    });
  });
}
