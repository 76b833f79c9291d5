import { afterEach, describe, expect, it } from 'vitest';
import { changeLoginAccess } from '../../src/app/logins.ts';
import { registerClients, staff } from '../support/app.ts';
import {
  createSite,
  eventTypes,
  giveLogin,
  givePermanentPassword,
  hourMs,
  mintResetToken,
  otherStrongPassword,
  strongPassword,
  tokenClaims,
  type Site,
} from './support.ts';

let site: Site;
afterEach(async () => site.dispose());

async function withAccount() {
  site = await createSite();
  await giveLogin(site.app, 'C1', 'olivia');
  await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
}

async function resetLink(): Promise<string> {
  const asked = await site.client().post('/forgot-password', { identifier: 'olivia' });
  expect(asked.headers.get('location')).toBe('/forgot-password/sent');
  return `/reset/${await mintResetToken(site.app, 'C1')}`;
}

const choose = (password: string, confirm = password) => ({ newPassword: password, confirmPassword: confirm });

describe('forgotten password', () => {
  it('asks for one identifier: the user name or the email on file both find the login', async () => {
    await withAccount();
    const page = await (await site.client().get('/forgot-password')).text();
    expect(page.match(/<input id="[^"]+" name="[^"]+"/g)).toEqual(['<input id="identifier" name="identifier"']);
    expect(page).toContain('User name or email address');
    await site.client().post('/forgot-password', { identifier: 'OLIVIA' });
    site.app.clock.advance(121_000);
    await site.client().post('/forgot-password', { identifier: ' Olivia@Example.com ' });
    expect((await eventTypes(site.app)).filter((type) => type === 'PasswordResetRequested')).toHaveLength(2);
  });

  it('matched, unmatched, cooling down and disabled: the same answer, and exactly one event each', async () => {
    await withAccount();
    await giveLogin(site.app, 'C2', 'liam.garcia');
    await changeLoginAccess(site.app.deps, { clientId: 'C2', action: 'disable' }, { actor: staff });
    const outcomes: Record<string, { response: unknown; appended: string[] }> = {};
    for (const [outcome, identifier] of [
      ['matched', 'olivia'],
      ['unmatched', 'nobody@example.com'],
      ['cooling down', 'olivia@example.com'],
      ['disabled', 'liam.garcia'],
    ] as const) {
      const before = (await eventTypes(site.app)).length;
      const response = await site.client().post('/forgot-password', { identifier });
      outcomes[outcome] = {
        response: { status: response.status, headers: [...response.headers], body: await response.text() },
        appended: (await eventTypes(site.app)).slice(before),
      };
    }
    expect(outcomes.matched!.appended).toEqual(['PasswordResetRequested']);
    for (const outcome of ['unmatched', 'cooling down', 'disabled']) {
      expect(outcomes[outcome]!.appended).toEqual(['PasswordResetRequestUnmatched']);
      expect(outcomes[outcome]!.response).toEqual(outcomes.matched!.response);
    }
    const sent = await (await site.client().get('/forgot-password/sent')).text();
    expect(sent).toContain('If that matches a login');
  });

  it('an empty form comes back as 422 and asks for nothing', async () => {
    await withAccount();
    const response = await site.client().post('/forgot-password', { identifier: '  ' });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/<input id="identifier"[^>]*aria-invalid="true"/);
    expect(await eventTypes(site.app)).not.toContain('PasswordResetRequested');
  });

  it('opening the link only checks it: it still works after being opened twice', async () => {
    await withAccount();
    const link = await resetLink();
    for (let i = 0; i < 2; i++) {
      const page = await site.client().get(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('For user name <strong>olivia</strong>');
    }
    const posted = await site.client().post(link, choose(otherStrongPassword));
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/account?notice=password-reset');
  });

  it('sends no referrer and lets nothing cache the reset pages', async () => {
    await withAccount();
    const link = await resetLink();
    for (const response of [await site.client().get(link), await site.client().post(link, choose('short'))]) {
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('the form post uses the link up: a second post finds it spent', async () => {
    await withAccount();
    const link = await resetLink();
    expect((await site.client().post(link, choose(otherStrongPassword))).status).toBe(303);
    const again = await site.client().post(link, choose('another lovely long password'));
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('expired or was already used');
    expect((await site.client().get(link)).status).toBe(404);
  });

  it('a weak or mismatched password is refused with 422 and the link stays usable', async () => {
    await withAccount();
    const link = await resetLink();
    expect((await site.client().post(link, choose('password'))).status).toBe(422);
    expect((await site.client().post(link, choose(otherStrongPassword, strongPassword))).status).toBe(422);
    expect((await site.client().post(link, choose(otherStrongPassword))).status).toBe(303);
  });

  it('the link works until its hour is up, then not', async () => {
    await withAccount();
    const link = await resetLink();
    site.app.clock.advance(hourMs - 1);
    expect((await site.client().get(link)).status).toBe(200);
    site.app.clock.advance(1);
    expect((await site.client().get(link)).status).toBe(404);
    expect((await site.client().post(link, choose(otherStrongPassword))).status).toBe(404);
  });

  it('a reset signs this browser in with a fresh session, at the new version, and ends the older ones', async () => {
    await withAccount();
    const before = site.client();
    await before.post('/login', { username: 'olivia', password: strongPassword });
    const link = await resetLink();
    const browser = site.client();
    const posted = await browser.post(link, choose(otherStrongPassword));
    expect(posted.headers.get('location')).toBe('/account?notice=password-reset');
    expect(posted.headers.getSetCookie().find((line) => line.startsWith('__Host-latchkey='))).toMatch(
      /^__Host-latchkey=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(tokenClaims(browser.cookie!)).toMatchObject({ sub: 'C1', mc: false });
    expect(tokenClaims(browser.cookie!).sv).toBeGreaterThan(tokenClaims(before.cookie!).sv as number);
    const account = await browser.get('/account?notice=password-reset');
    expect(account.status).toBe(200);
    expect(await account.text()).toContain('Your new password is saved and you are logged in.');
    expect((await before.get('/account')).headers.get('location')).toBe('/login');
  });

  it('with htmx, a reset answers with HX-Redirect to the account and sets the session', async () => {
    await withAccount();
    const link = await resetLink();
    const browser = site.client();
    const posted = await browser.post(link, choose(otherStrongPassword), { 'hx-request': 'true' });
    expect(posted.status).toBe(204);
    expect(posted.headers.get('hx-redirect')).toBe('/account?notice=password-reset');
    expect((await browser.get('/account')).status).toBe(200);
  });

  it('a reset ends every session and the new password logs in', async () => {
    await withAccount();
    const before = site.client();
    await before.post('/login', { username: 'olivia', password: strongPassword });
    const link = await resetLink();
    await site.client().post(link, choose(otherStrongPassword));
    expect((await before.get('/account')).headers.get('location')).toBe('/login');
    expect((await site.client().post('/login', { username: 'olivia', password: strongPassword })).status).toBe(422);
    expect((await site.client().post('/login', { username: 'olivia', password: otherStrongPassword })).status).toBe(
      303,
    );
  });

  it('a malformed or unknown token is refused like a spent one', async () => {
    await withAccount();
    for (const link of ['/reset/nonsense', `/reset/${'A'.repeat(16)}.${'B'.repeat(43)}`]) {
      expect((await site.client().get(link)).status).toBe(404);
      expect((await site.client().post(link, choose(otherStrongPassword))).status).toBe(404);
    }
  });

  it('a disabled login cannot be reset through an earlier link', async () => {
    await withAccount();
    const link = await resetLink();
    await changeLoginAccess(site.app.deps, { clientId: 'C1', action: 'disable' }, { actor: staff });
    expect((await site.client().post(link, choose(otherStrongPassword))).status).toBe(404);
  });

  it('with htmx, a spent link answers with its own page in place of the main content, titled as an error', async () => {
    await withAccount();
    const link = await resetLink();
    await site.client().post(link, choose(otherStrongPassword));
    const again = await site.client().post(link, choose(otherStrongPassword), { 'hx-request': 'true' });
    expect(again.status).toBe(404);
    expect(again.headers.get('hx-retarget')).toBe('#main');
    expect(again.headers.get('hx-reswap')).toBe('innerHTML');
    expect(await again.text()).toMatch(
      /^<title>Error: This link no longer works – [^<]+<\/title><div id="reset-link-invalid"><h1>This link no longer works<\/h1>/,
    );
  });
});

describe('forgotten user name', () => {
  it('gives the same answer whether the email matches or not; only a match asks for mail', async () => {
    await withAccount();
    const matched = await site.client().post('/forgot-username', { email: 'olivia@example.com' });
    const unmatched = await site.client().post('/forgot-username', { email: 'stranger@example.com' });
    expect(matched.status).toBe(303);
    expect(matched.headers.get('location')).toBe('/forgot-username/sent');
    expect({ status: unmatched.status, headers: [...unmatched.headers], body: await unmatched.text() }).toEqual({
      status: matched.status,
      headers: [...matched.headers],
      body: await matched.text(),
    });
    const types = await eventTypes(site.app);
    expect(types.filter((type) => type === 'UserNameReminderRequested')).toHaveLength(1);
    expect(types).toContain('UserNameReminderUnmatched');
  });

  it('matched, unmatched, cooling down and disabled: the same answer, and exactly one event each', async () => {
    await withAccount();
    await registerClients(site.app, [
      { clientId: 'C3', firstName: 'Ava', lastName: 'Stone', email: 'ava@example.com' },
    ]);
    await giveLogin(site.app, 'C3', 'ava.stone');
    await changeLoginAccess(site.app.deps, { clientId: 'C3', action: 'disable' }, { actor: staff });
    const outcomes: Record<string, { response: unknown; appended: string[] }> = {};
    for (const [outcome, email] of [
      ['matched', 'olivia@example.com'],
      ['unmatched', 'nobody@example.com'],
      ['cooling down', 'olivia@example.com'],
      ['disabled', 'ava@example.com'],
    ] as const) {
      const before = (await eventTypes(site.app)).length;
      const response = await site.client().post('/forgot-username', { email });
      outcomes[outcome] = {
        response: { status: response.status, headers: [...response.headers], body: await response.text() },
        appended: (await eventTypes(site.app)).slice(before),
      };
    }
    expect(outcomes.matched!.appended).toEqual(['UserNameReminderRequested']);
    for (const outcome of ['unmatched', 'cooling down', 'disabled']) {
      expect(outcomes[outcome]!.appended).toEqual(['UserNameReminderUnmatched']);
      expect(outcomes[outcome]!.response).toEqual(outcomes.matched!.response);
    }
  });

  it('an empty email comes back as 422 with the error by the field', async () => {
    await withAccount();
    const response = await site.client().post('/forgot-username', { email: '' });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/<p class="field-error" id="email-error">.*Enter your email address<\/p>/);
  });
});
