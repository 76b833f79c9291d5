import { afterEach, describe, expect, it } from 'vitest';
import { createSite, giveLogin, givePermanentPassword, strongPassword, type Site, type SiteClient } from './support.ts';

let site: Site;
afterEach(async () => site.dispose());

/** The limits of one network are not what these tests are about: every request here comes from one. */
const manyFormsPerMinute = { IP_RATE_LIMIT_PER_MINUTE: '1000' };

async function clientWithAccount(): Promise<SiteClient> {
  site = await createSite(manyFormsPerMinute);
  await giveLogin(site.app, 'C1', 'olivia');
  await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
  const client = site.client();
  expect((await client.post('/login', { username: 'olivia', password: strongPassword })).status).toBe(303);
  expect(client.deviceCookie).not.toBeNull();
  await client.post('/logout');
  return client;
}

async function strangerGuesses(count: number): Promise<void> {
  const stranger = site.client();
  for (let i = 0; i < count; i++) {
    await stranger.post('/login', { username: 'olivia', password: `guess number ${i}` });
    site.app.clock.advance(1000);
  }
}

const logIn = (client: SiteClient, password = strongPassword) =>
  client.post('/login', { username: 'olivia', password });

describe('device cookies: a stranger cannot lock the client out', () => {
  it("after a stranger's 30 wrong tries, the client's known browser gets in at once while a fresh one waits", async () => {
    const client = await clientWithAccount();
    await strangerGuesses(30);
    const fresh = await logIn(site.client());
    expect(fresh.status).toBe(422);
    const known = await logIn(client);
    expect(known.status).toBe(303);
    expect(known.headers.get('location')).toBe('/account');
    expect(await logIn(site.client())).toHaveProperty('status', 422);
  });

  it('the login sets an HttpOnly, SameSite=Lax, year-long device cookie; on https it is Secure and __Host-', async () => {
    await clientWithAccount();
    const response = await logIn(site.client());
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('latchkey-device='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=31536000/);
    expect(cookie).not.toMatch(/Secure/);
    const { createDeviceCookie } = await import('../../src/http/device-cookie.ts');
    const { Hono } = await import('hono');
    const https = new Hono().get('/', (c) => {
      createDeviceCookie('https://login.example.com').write(c, 'token');
      return c.text('ok');
    });
    const line = (await https.request('/')).headers.get('set-cookie');
    expect(line).toMatch(/^__Host-latchkey-device=token;.*Secure/);
  });

  it("a device cookie of another login, or an altered one, does not get past this login's backoff", async () => {
    const client = await clientWithAccount();
    await giveLogin(site.app, 'C2', 'liam.garcia');
    await givePermanentPassword(site.app, 'C2', 'liam.garcia', strongPassword);
    const liamsBrowser = site.client();
    await liamsBrowser.post('/login', { username: 'liam.garcia', password: strongPassword });
    await strangerGuesses(30);
    const other = site.client();
    other.deviceCookie = liamsBrowser.deviceCookie;
    expect((await logIn(other)).status).toBe(422);
    const altered = site.client();
    altered.deviceCookie = `${client.deviceCookie!.slice(0, -2)}AA`;
    expect((await logIn(altered)).status).toBe(422);
    expect((await logIn(client)).status).toBe(303);
  });

  it("a known browser's own wrong tries are recorded against it; after 5 its cookie no longer bypasses the backoff", async () => {
    const client = await clientWithAccount();
    await strangerGuesses(30);
    const strangersCount = site.app.deps.readModels.credentials.getCredential('C1')?.consecutiveFailures;
    for (let i = 0; i < 5; i++) expect((await logIn(client, `my mistake ${i}`)).status).toBe(422);
    expect((await logIn(client)).status).toBe(422);
    const events = await site.app.deps.store.readAll({ after: null, limit: 10_000 });
    const fromDevice = events.filter(
      (e) => e.type === 'LoginFailed' && (e.data as { deviceFingerprint?: string }).deviceFingerprint,
    );
    expect(fromDevice).toHaveLength(5);
    expect(new Set(fromDevice.map((e) => (e.data as { deviceFingerprint: string }).deviceFingerprint)).size).toBe(1);
    // The token itself is nowhere in the log: only a keyed fingerprint of its id.
    const log = JSON.stringify(events);
    for (const part of client.deviceCookie!.split('.')) expect(log).not.toContain(part);
    // The device's tries are its own: they did not lengthen the strangers' backoff.
    expect(site.app.deps.readModels.credentials.getCredential('C1')?.consecutiveFailures).toBe(strangersCount);
  });

  it("a signed-in client on a known browser can change the password while a stranger's tries hold the account back", async () => {
    const client = await clientWithAccount();
    expect((await logIn(client)).status).toBe(303);
    await strangerGuesses(30);
    const changed = await client.post('/account/password', {
      currentPassword: strongPassword,
      newPassword: 'copper kettle whistles softly',
      confirmPassword: 'copper kettle whistles softly',
    });
    expect(changed.headers.get('location')).toBe('/account?notice=password-changed');
  });

  it("the client's own logins from a known browser do not hand a stranger fresh free tries", async () => {
    const client = await clientWithAccount();
    await strangerGuesses(6);
    expect((await logIn(client)).status).toBe(303);
    await client.post('/logout');
    site.app.clock.advance(60_000);
    await site.client().post('/login', { username: 'olivia', password: 'one more guess' });
    expect((await logIn(site.client())).status).toBe(422);
  });
});
