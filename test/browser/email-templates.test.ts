import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestCredentialsEmail } from '../../src/app/logins.ts';
import { requestPasswordReset, requestUserNameReminder } from '../../src/app/recovery.ts';
import { choosePermanentPassword, signIn } from '../../src/app/sign-in.ts';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { startMailRelay, type MailRelay } from '../../src/mail/relay.ts';
import { staff, type TestApp } from '../support/app.ts';
import { startFakeMailgun, type FakeMailgun, type ReceivedMessage } from '../mail/fake-mailgun.ts';
import { createMailTestApp, tempPasswordIn } from '../mail/support.ts';
import { launchChromium, screenshot } from './support.ts';

const logoUrl = 'https://cdn.happypaws.example/logo.svg';
const logoSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48"><rect width="160" height="48" rx="8" fill="#2f6f4f"/><text x="80" y="31" font-family="Arial" font-size="18" fill="#fff" text-anchor="middle">Happy Paws</text></svg>';

let browser: Browser;
let app: TestApp;
let fake: FakeMailgun;
let relay: MailRelay;
const emails = new Map<string, ReceivedMessage>();

/** Every template as Mailgun received it from the relay, through the real mailgun.js. */
beforeAll(async () => {
  browser = await launchChromium();
  app = await createMailTestApp({ BUSINESS_LOGO_URL: logoUrl, BUSINESS_TIME_ZONE: 'America/New_York' });
  fake = await startFakeMailgun({ onMessage: (message) => emails.set(message.variables.template!, message) });
  const transport = createMailgunTransport({
    apiKey: 'key-test-123456',
    domain: 'mg.example.com',
    url: fake.url,
    from: app.config.mail.from,
    replyTo: null,
  });
  relay = startMailRelay(app, transport, { pollIntervalMs: 20 });
  await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
  await vi.waitFor(() => expect(emails.has('client-login-credentials')).toBe(true));
  const password = tempPasswordIn(emails.get('client-login-credentials')!.text);
  const signedIn = await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password }, {});
  if (!signedIn.ok) throw new Error('the emailed temporary password did not sign in');
  await choosePermanentPassword(
    app.deps,
    { clientId: 'C-1', newPassword: 'copper kettle whistles at dawn' },
    { actor: { kind: 'client', id: 'C-1' } },
  );
  await requestPasswordReset(app.deps, { identifier: 'marcus.bell@example.com' });
  await requestUserNameReminder(app.deps, { email: 'priya.shah@example.com' });
  await vi.waitFor(() => expect(emails.size).toBe(4), { timeout: 10_000 });
}, 60_000);

afterAll(async () => {
  await relay?.stop();
  await fake?.close();
  await app?.dispose();
  await browser?.close();
});

async function openEmail(template: string, width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.route(logoUrl, (route) => route.fulfill({ contentType: 'image/svg+xml', body: logoSvg }));
  await page.setContent(emails.get(template)!.html, { waitUntil: 'load' });
  return page;
}

describe.each([
  ['client-login-credentials', 'Log in to the portal'],
  ['password-reset', 'Choose a new password'],
  ['forgotten-user-name', 'Log in'],
  ['password-changed', 'reset your password now'],
])('the %s email in Chromium', (template, action) => {
  it('has its title, a hidden preheader, the logo, a 600 px column, and its action link', async () => {
    const page = await openEmail(template, 1024);
    try {
      expect(await page.title()).toBe(emails.get(template)!.subject);
      const preheader = page.locator('body > div').first();
      expect(await preheader.textContent()).not.toBe('');
      expect(await preheader.isVisible()).toBe(false);
      const logo = page.locator(`img[src="${logoUrl}"]`);
      // Runs in the page: a loaded image has a natural width; a broken one has none.
      expect(await logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(
        0,
      );
      const column = await page.locator('table table').first().boundingBox();
      expect(column!.width).toBeLessThanOrEqual(600);
      const link = page.getByRole('link', { name: action, exact: true });
      expect(await link.isVisible()).toBe(true);
      expect(await link.getAttribute('href')).toMatch(/^https:\/\/portal\.happypaws\.example\//);
      await screenshot(page, `email-${template}`);
    } finally {
      await page.close();
    }
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await openEmail(template, 375);
    try {
      const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
      expect(scrollWidth).toBeLessThanOrEqual(375);
      await screenshot(page, `email-${template}-phone`);
    } finally {
      await page.close();
    }
  });
});

it('the credentials email shows the expiry in the business time zone and links to the forgot-password page', () => {
  const { html, text } = emails.get('client-login-credentials')!;
  expect(text.replace(/\s+/g, ' ')).toContain('until Tuesday, March 10, 2026 at 10:00 AM EDT.');
  expect(html).toContain('href="https://portal.happypaws.example/forgot-password"');
});
