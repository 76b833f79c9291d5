import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import {
  createSite,
  dayMs,
  giveLogin,
  givePermanentPassword,
  giveTempPassword,
  hourMs,
  otherStrongPassword,
  strongPassword,
  tokenClaims,
  type Site,
  type SiteClient,
} from './support.ts';

let site: Site;
afterEach(async () => site.dispose());

const chromeOnWindows =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const firefoxOnMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0';
const minuteMs = 60_000;

async function withAccount(env: Record<string, string> = {}) {
  site = await createSite(env);
  await giveLogin(site.app, 'C1', 'olivia');
  await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
}

async function logIn(userAgent = chromeOnWindows, extra: Record<string, string> = {}) {
  const client = site.client();
  const response = await client.post(
    '/login',
    { username: 'olivia', password: strongPassword, ...extra },
    { 'user-agent': userAgent },
  );
  expect(response.headers.get('location')).toBe('/account');
  return { client, response };
}

const accountPage = async (client: SiteClient) => (await client.get('/account')).text();
const isSignedIn = async (client: SiteClient) => (await client.get('/account')).status === 200;
const fingerprints = (html: string) => [...html.matchAll(/name="session" value="([0-9a-f]{32})"/g)].map((m) => m[1]!);

describe('the sessions list on the account page', () => {
  it('lists each browser with its family, when it was last seen, and which one is this device', async () => {
    await withAccount({ BUSINESS_TIME_ZONE: 'UTC' });
    const { client: laptop } = await logIn(chromeOnWindows);
    site.app.clock.advance(5 * minuteMs);
    await logIn(firefoxOnMac);
    const html = await accountPage(laptop);
    expect(html).toContain('Where you are signed in');
    expect(html).toMatch(/<strong>Chrome on Windows<\/strong> \(this device\)/);
    expect(html).toMatch(/<strong>Firefox on macOS<\/strong><br\/?>\s*Last seen Tuesday, March 3, 2026 at 2:05 PM UTC/);
    expect(fingerprints(html)).toHaveLength(2);
  });

  it('"log out" on one listed session ends that browser alone; the list no longer shows it', async () => {
    await withAccount();
    const { client: laptop } = await logIn(chromeOnWindows);
    const { client: phone } = await logIn(firefoxOnMac);
    const html = await accountPage(laptop);
    const phoneEntry = /<strong>Firefox on macOS<\/strong>[\s\S]*?name="session" value="([0-9a-f]{32})"/.exec(html)!;
    const ended = await laptop.post('/account/sessions/end', { session: phoneEntry[1]! });
    expect(ended.headers.get('location')).toBe('/account?notice=session-ended');
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(laptop)).toBe(true);
    const after = await (await laptop.get(ended.headers.get('location')!)).text();
    expect(after).not.toContain('Firefox on macOS');
    expect(after).toContain('That device was logged out.');
  });

  it('"log out" on this device ends this session and goes to the login page', async () => {
    await withAccount();
    const { client } = await logIn();
    const [own] = fingerprints(await accountPage(client));
    const ended = await client.post('/account/sessions/end', { session: own! });
    expect(ended.headers.get('location')).toBe('/login?notice=logged-out');
    expect(client.cookie).toBeNull();
  });

  it("another client's session, or a made-up one, ends nothing", async () => {
    await withAccount();
    await giveLogin(site.app, 'C2', 'liam.garcia');
    await givePermanentPassword(site.app, 'C2', 'liam.garcia', strongPassword);
    const liam = site.client();
    await liam.post('/login', { username: 'liam.garcia', password: strongPassword });
    const [liamsSession] = fingerprints(await accountPage(liam));
    const { client } = await logIn();
    for (const session of [liamsSession!, '0'.repeat(32), 'not a fingerprint']) {
      const response = await client.post('/account/sessions/end', { session });
      expect(response.headers.get('location')).toBe('/account');
    }
    expect(await isSignedIn(liam)).toBe(true);
  });

  it('is a same-origin POST like every other change: a cross-site one is refused', async () => {
    await withAccount();
    const { client: laptop } = await logIn();
    const { client: phone } = await logIn(firefoxOnMac);
    const sessions = fingerprints(await accountPage(laptop));
    for (const session of sessions) {
      const response = await laptop.post(
        '/account/sessions/end',
        { session },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      expect(response.status).toBe(403);
    }
    expect(await isSignedIn(phone)).toBe(true);
  });

  it('records sessions by keyed fingerprint and device family only: no session id, token or User-Agent in the log', async () => {
    await withAccount();
    const { client } = await logIn(firefoxOnMac);
    const jti = String(tokenClaims(client.cookie!).jti);
    const events = await site.app.deps.store.readAll({ after: null, limit: 10_000 });
    const started = events.filter((event) => event.type === 'SessionStarted');
    expect(started.at(-1)?.data).toMatchObject({
      clientId: 'C1',
      browser: 'Firefox',
      os: 'macOS',
      keptSignedIn: false,
    });
    const log = JSON.stringify(events);
    expect(log).not.toContain(jti);
    expect(log).not.toContain(client.cookie!);
    expect(log).not.toContain('Gecko/20100101');
  });

  it('a password change or "log out everywhere" empties the list but for the browser that carries on', async () => {
    await withAccount();
    const { client: laptop } = await logIn();
    await logIn(firefoxOnMac);
    await laptop.post('/account/password', {
      currentPassword: strongPassword,
      newPassword: otherStrongPassword,
      confirmPassword: otherStrongPassword,
    });
    const html = await accountPage(laptop);
    expect(html).not.toContain('Firefox on macOS');
    expect(fingerprints(html)).toHaveLength(1);
  });
});

describe('"keep me signed in on this device"', () => {
  it('without it, the cookie ends with the browser and the session after SESSION_MAX_AGE_HOURS', async () => {
    await withAccount();
    const { client, response } = await logIn();
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-latchkey='));
    expect(cookie).not.toMatch(/Max-Age/);
    expect(tokenClaims(client.cookie!).ks).toBe(false);
    site.app.clock.advance(12 * hourMs + 1000);
    expect(await isSignedIn(client)).toBe(false);
  });

  it('with it, the cookie and the session last SESSION_KEEP_SIGNED_IN_DAYS, and the list says so', async () => {
    await withAccount({ SESSION_KEEP_SIGNED_IN_DAYS: '14' });
    const { client, response } = await logIn(chromeOnWindows, { keepSignedIn: 'on' });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-latchkey='));
    expect(cookie).toMatch(/Max-Age=1209600/);
    expect(tokenClaims(client.cookie!).ks).toBe(true);
    expect(await accountPage(client)).toContain('kept signed in');
    site.app.clock.advance(13 * dayMs);
    expect(await isSignedIn(client)).toBe(true);
    site.app.clock.advance(dayMs + 1000);
    expect(await isSignedIn(client)).toBe(false);
  });

  it('a kept session still ends with "log out everywhere" and with a password change elsewhere', async () => {
    await withAccount();
    const { client: kept } = await logIn(chromeOnWindows, { keepSignedIn: 'on' });
    const { client: other } = await logIn(firefoxOnMac);
    await other.post('/account/logout-everywhere');
    expect(await isSignedIn(kept)).toBe(false);
    const { client: keptAgain } = await logIn(chromeOnWindows, { keepSignedIn: 'on' });
    const { client: changer } = await logIn(firefoxOnMac);
    await changer.post('/account/password', {
      currentPassword: strongPassword,
      newPassword: otherStrongPassword,
      confirmPassword: otherStrongPassword,
    });
    expect(await isSignedIn(keptAgain)).toBe(false);
  });

  it('the box stays ticked when the login form comes back with an error', async () => {
    await withAccount();
    const html = await (
      await site.client().post('/login', { username: 'olivia', password: 'wrong one', keepSignedIn: 'on' })
    ).text();
    expect(html).toMatch(/<input id="keepSignedIn" name="keepSignedIn" type="checkbox" value="on" checked/);
    expect(html).toContain('<label for="keepSignedIn">Keep me signed in on this device</label>');
  });
});

describe('SESSION_IDLE_TIMEOUT_MINUTES', () => {
  it('ends a session unused for that long; use keeps it going', async () => {
    await withAccount({ SESSION_IDLE_TIMEOUT_MINUTES: '30' });
    const { client } = await logIn();
    for (let i = 0; i < 4; i++) {
      site.app.clock.advance(25 * minuteMs);
      expect(await isSignedIn(client)).toBe(true);
    }
    site.app.clock.advance(31 * minuteMs);
    expect(await isSignedIn(client)).toBe(false);
  });

  it('leaves a kept session alone, and the list leaves out idle sessions', async () => {
    await withAccount({ SESSION_IDLE_TIMEOUT_MINUTES: '30' });
    const { client: kept } = await logIn(chromeOnWindows, { keepSignedIn: 'on' });
    await logIn(firefoxOnMac);
    site.app.clock.advance(2 * hourMs);
    expect(await isSignedIn(kept)).toBe(true);
    const html = await accountPage(kept);
    expect(html).not.toContain('Firefox on macOS');
    expect(fingerprints(html)).toHaveLength(1);
  });

  it('is off when unset (sessions last their full age), and refused outside 0 to 1440 by name', async () => {
    await withAccount();
    const { client } = await logIn();
    site.app.clock.advance(11 * hourMs);
    expect(await isSignedIn(client)).toBe(true);
    for (const value of ['-1', '1441', 'soon']) {
      expect(() => loadConfig({ LATCHKEY_DATA_DIR: '/tmp', SESSION_IDLE_TIMEOUT_MINUTES: value })).toThrow(ConfigError);
      expect(() => loadConfig({ LATCHKEY_DATA_DIR: '/tmp', SESSION_IDLE_TIMEOUT_MINUTES: value })).toThrow(
        'SESSION_IDLE_TIMEOUT_MINUTES',
      );
    }
  });
});

describe('the "new sign-in to your account" email', () => {
  const notices = async () =>
    (await site.app.deps.store.readAll({ after: null, limit: 10_000 })).filter(
      (event) => event.type === 'NewSignInNoticeRequested',
    );

  it('is asked for when a browser with no device cookie signs in with the password, not from a known device', async () => {
    await withAccount();
    const { client } = await logIn(firefoxOnMac);
    expect((await notices()).map((event) => event.data)).toEqual([
      expect.objectContaining({ clientId: 'C1', browser: 'Firefox', os: 'macOS' }),
    ]);
    await client.post('/logout');
    expect(
      (await client.post('/login', { username: 'olivia', password: strongPassword }, { 'user-agent': firefoxOnMac }))
        .status,
    ).toBe(303);
    expect(await notices()).toHaveLength(1);
  });

  it('is not asked for by a temporary-password login, nor by a failed one', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    await site.client().post('/login', { username: 'olivia', password: 'not the password' });
    await site.client().post('/login', { username: 'olivia', password: temp });
    expect(await notices()).toHaveLength(0);
  });

  it('is switched off by NEW_SIGN_IN_EMAIL=false', async () => {
    await withAccount({ NEW_SIGN_IN_EMAIL: 'false' });
    await logIn(firefoxOnMac);
    expect(await notices()).toHaveLength(0);
  });
});
