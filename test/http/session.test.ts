import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { changeLoginAccess } from '../../src/app/logins.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { staff } from '../support/app.ts';
import {
  createSite,
  fullWidth,
  giveLogin,
  givePermanentPassword,
  giveTempPassword,
  hourMs,
  otherStrongPassword,
  SiteClient,
  strongPassword,
  tokenClaims,
  type Site,
} from './support.ts';

let site: Site;
afterEach(async () => site.dispose());

async function loggedIn(password = strongPassword): Promise<SiteClient> {
  const client = site.client();
  const response = await client.post('/login', { username: 'olivia', password });
  expect(response.headers.get('location')).toBe('/account');
  return client;
}

async function withAccount(env: Record<string, string> = {}) {
  site = await createSite(env);
  await giveLogin(site.app, 'C1', 'olivia');
  await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
}

const sendsToLogin = async (client: SiteClient) => (await client.get('/account')).headers.get('location') === '/login';

describe('a session started for a portal sign-in', () => {
  const returnTo = '/oidc/interaction/abc123';

  it('names that interaction and how she signed in; a login without a return names none', async () => {
    await withAccount();
    const plain = await loggedIn();
    expect(tokenClaims(plain.cookie!)).not.toHaveProperty('si');
    const forPortal = site.client();
    const response = await forPortal.post('/login', { username: 'olivia', password: strongPassword, return: returnTo });
    expect(response.headers.get('location')).toBe(returnTo);
    expect(tokenClaims(forPortal.cookie!)).toMatchObject({ si: { i: returnTo, m: 'password' } });
  });

  it('a temporary password then a chosen one carries "temporary password" through the new session', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    const client = site.client();
    await client.post('/login', { username: 'olivia', password: temp, return: returnTo });
    expect(tokenClaims(client.cookie!)).toMatchObject({ mc: true, si: { i: returnTo, m: 'temporary password' } });
    const chosen = await client.post('/choose-password', {
      newPassword: strongPassword,
      confirmPassword: strongPassword,
      return: returnTo,
    });
    expect(chosen.headers.get('location')).toBe(returnTo);
    expect(tokenClaims(client.cookie!)).toMatchObject({ mc: false, si: { i: returnTo, m: 'temporary password' } });
  });
});

describe('pages behind a login', () => {
  it('without a session, the account and choose pages send the visitor to log in', async () => {
    site = await createSite();
    for (const path of ['/account', '/choose-password']) {
      const response = await site.client().get(path);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/login');
    }
    expect((await site.client().get('/')).headers.get('location')).toBe('/login');
  });

  it('after a temporary-password login, only "choose your new password" and log out are reachable', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    const client = site.client();
    await client.post('/login', { username: 'olivia', password: temp });
    expect((await client.get('/choose-password')).status).toBe(200);
    for (const path of ['/account', '/login', '/'])
      expect((await client.get(path)).headers.get('location')).toBe('/choose-password');
    const change = await client.post('/account/password', {
      currentPassword: temp,
      newPassword: strongPassword,
      confirmPassword: strongPassword,
    });
    expect(change.headers.get('location')).toBe('/choose-password');
    const everywhere = await client.post('/account/logout-everywhere');
    expect(everywhere.headers.get('location')).toBe('/choose-password');
    expect(site.app.deps.readModels.credentials.getCredential('C1')?.hasPassword).toBe(false);
    const logout = await client.post('/logout');
    expect(logout.headers.get('location')).toBe('/login?notice=logged-out');
    expect(client.cookie).toBeNull();
  });

  it('a full session never sees the choose page', async () => {
    await withAccount();
    const client = await loggedIn();
    expect((await client.get('/choose-password')).headers.get('location')).toBe('/account');
    expect((await client.get('/')).headers.get('location')).toBe('/account');
  });
});

describe('choosing the first password', () => {
  async function tempSession() {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    const client = site.client();
    await client.post('/login', { username: 'olivia', password: temp });
    return { client, temp };
  }

  it('refuses the temporary password itself, a weak one and two that differ, each with 422 and the reason', async () => {
    const { client, temp } = await tempSession();
    const same = await client.post('/choose-password', { newPassword: temp, confirmPassword: temp });
    expect(same.status).toBe(422);
    expect(await same.text()).toContain('can&#39;t be the temporary one');
    const weak = await client.post('/choose-password', { newPassword: 'short', confirmPassword: 'short' });
    expect(weak.status).toBe(422);
    expect(await weak.text()).toMatch(/<input id="newPassword"[^>]*aria-invalid="true"[^>]*autofocus=""/);
    const differ = await client.post('/choose-password', {
      newPassword: strongPassword,
      confirmPassword: otherStrongPassword,
    });
    expect(differ.status).toBe(422);
    expect(await differ.text()).toMatch(/<input id="confirmPassword"[^>]*aria-invalid="true"[^>]*autofocus=""/);
    expect(site.app.deps.readModels.credentials.getCredential('C1')?.hasPassword).toBe(false);
  });

  it('refuses a full-width, upper-case or padded copy of the temporary password: it never becomes the permanent one', async () => {
    const { client, temp } = await tempSession();
    for (const variant of [fullWidth(temp), temp.toUpperCase(), ` ${temp}\t`]) {
      const same = await client.post('/choose-password', { newPassword: variant, confirmPassword: variant });
      expect(same.status).toBe(422);
      expect(await same.text()).toContain('can&#39;t be the temporary one');
    }
    expect(site.app.deps.readModels.credentials.getCredential('C1')?.hasPassword).toBe(false);
    expect((await site.client().post('/login', { username: 'olivia', password: temp })).status).toBe(422);
  });

  it('takes the two boxes as the same password when they differ only in Unicode form (NFKC)', async () => {
    const { client } = await tempSession();
    const chosen = await client.post('/choose-password', {
      newPassword: strongPassword,
      confirmPassword: fullWidth(strongPassword),
    });
    expect(chosen.headers.get('location')).toBe('/account?notice=password-set');
    expect(
      (await site.client().post('/login', { username: 'olivia', password: fullWidth(strongPassword) })).headers.get(
        'location',
      ),
    ).toBe('/account');
  });

  it('a good password opens the account under a new session and ends the temporary one', async () => {
    const { client } = await tempSession();
    const tempCookie = client.cookie;
    const chosen = await client.post('/choose-password', {
      newPassword: strongPassword,
      confirmPassword: strongPassword,
    });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe('/account?notice=password-set');
    expect(tokenClaims(client.cookie!)).toMatchObject({ sv: 1, mc: false });
    expect((await client.get('/account?notice=password-set')).status).toBe(200);
    const stale = site.client();
    stale.cookie = tempCookie;
    expect((await stale.get('/choose-password')).headers.get('location')).toBe('/login');
  });

  it('offers autocomplete="new-password" with the user name for password managers', async () => {
    const { client } = await tempSession();
    const html = await (await client.get('/choose-password')).text();
    expect(html).toContain(
      '<input type="text" name="username" autocomplete="username" value="olivia" hidden="" readonly=""/>',
    );
    expect(html.match(/autocomplete="new-password"/g)).toHaveLength(2);
  });
});

describe('account page', () => {
  it('shows who is logged in and offers change password, log out and log out everywhere', async () => {
    await withAccount();
    const client = await loggedIn();
    const html = await (await client.get('/account')).text();
    expect(html).toContain('Olivia Nguyen');
    expect(html).toContain('olivia@example.com');
    expect(html).toContain('action="/account/password"');
    expect(html).toContain('action="/logout"');
    expect(html).toContain('action="/account/logout-everywhere"');
  });

  it('a password change keeps this browser logged in and ends every other session', async () => {
    await withAccount();
    const here = await loggedIn();
    const elsewhere = await loggedIn();
    const changed = await here.post('/account/password', {
      currentPassword: strongPassword,
      newPassword: otherStrongPassword,
      confirmPassword: otherStrongPassword,
    });
    expect(changed.headers.get('location')).toBe('/account?notice=password-changed');
    expect((await here.get('/account')).status).toBe(200);
    expect(await sendsToLogin(elsewhere)).toBe(true);
    expect((await site.client().post('/login', { username: 'olivia', password: otherStrongPassword })).status).toBe(
      303,
    );
  });

  it('a wrong current password or a weak new one is refused with 422 and nothing changes', async () => {
    await withAccount();
    const client = await loggedIn();
    const wrong = await client.post('/account/password', {
      currentPassword: 'not it',
      newPassword: otherStrongPassword,
      confirmPassword: otherStrongPassword,
    });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toMatch(/<input id="currentPassword"[^>]*aria-invalid="true"[^>]*autofocus=""/);
    const weak = await client.post('/account/password', {
      currentPassword: strongPassword,
      newPassword: 'password',
      confirmPassword: 'password',
    });
    expect(weak.status).toBe(422);
    expect(site.app.deps.readModels.credentials.getCredential('C1')?.sessionVersion).toBe(1);
    expect((await client.get('/account')).status).toBe(200);
  });

  it('log out everywhere ends every session, this one included', async () => {
    await withAccount();
    const here = await loggedIn();
    const elsewhere = await loggedIn();
    const response = await here.post('/account/logout-everywhere');
    expect(response.headers.get('location')).toBe('/login?notice=logged-out-everywhere');
    expect(here.cookie).toBeNull();
    expect(await sendsToLogin(elsewhere)).toBe(true);
    const events = await site.app.deps.store.readAll({ after: null, limit: 10_000 });
    expect(events.find((e) => e.type === 'SessionsRevoked')?.metadata.actor).toEqual({ kind: 'client', id: 'C1' });
  });

  it('log out clears the cookie, and a copy of the token taken before stops working; other sessions go on', async () => {
    await withAccount();
    const client = await loggedIn();
    const other = await loggedIn();
    const copy = site.client();
    copy.cookie = client.cookie;
    expect(await sendsToLogin(copy)).toBe(false);
    const response = await client.post('/logout');
    expect(response.headers.getSetCookie()[0]).toMatch(
      /^__Host-latchkey=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
    expect(await sendsToLogin(client)).toBe(true);
    expect(await sendsToLogin(copy)).toBe(true);
    expect(await sendsToLogin(other)).toBe(false);
    const ended = (await site.app.deps.store.readAll({ after: null, limit: 10_000 })).find(
      (e) => e.type === 'SessionEnded',
    );
    expect(ended?.metadata.actor).toEqual({ kind: 'client', id: 'C1' });
    expect(JSON.stringify(ended)).not.toContain(copy.cookie?.split('.')[2] ?? 'no-token');
  });

  it('staff disabling the login or signing the client out ends the session', async () => {
    await withAccount();
    const first = await loggedIn();
    await changeLoginAccess(site.app.deps, { clientId: 'C1', action: 'revoke-sessions' }, { actor: staff });
    expect(await sendsToLogin(first)).toBe(true);
    const second = await loggedIn();
    await changeLoginAccess(site.app.deps, { clientId: 'C1', action: 'disable' }, { actor: staff });
    expect(await sendsToLogin(second)).toBe(true);
  });
});

describe('session tokens', () => {
  it('expire after SESSION_MAX_AGE_HOURS', async () => {
    await withAccount({ SESSION_MAX_AGE_HOURS: '2' });
    const client = await loggedIn();
    site.app.clock.advance(2 * hourMs - 1000);
    expect((await client.get('/account')).status).toBe(200);
    site.app.clock.advance(1000);
    expect(await sendsToLogin(client)).toBe(true);
  });

  it('a tampered, unsigned, foreign-key or foreign-issuer token reads as no session', async () => {
    await withAccount();
    const genuine = (await loggedIn()).cookie!;
    const claims = tokenClaims(genuine);
    const [header, , signature] = genuine.split('.');
    const raised = Buffer.from(JSON.stringify({ ...claims, sub: 'C2' })).toString('base64url');
    const now = Math.floor(site.app.clock.now().getTime() / 1000);
    const sign = (key: Uint8Array, issuer: string) =>
      new SignJWT({ sv: claims.sv, mc: false })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('C1')
        .setIssuer(issuer)
        .setAudience(String(claims.aud))
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .setJti('x')
        .sign(key);
    const forged = [
      `${header}.${raised}.${signature}`,
      new UnsecuredJWT({ sv: claims.sv, mc: false })
        .setSubject('C1')
        .setIssuer(String(claims.iss))
        .setAudience(String(claims.aud))
        .setIssuedAt(now)
        .encode(),
      await sign(new Uint8Array(32), String(claims.iss)),
    ];
    for (const token of forged) {
      const client = site.client();
      client.cookie = token;
      expect(await sendsToLogin(client)).toBe(true);
    }
  });

  it('the session secret is generated into the data folder once and kept across restarts', async () => {
    await withAccount();
    expect(existsSync(join(site.app.dir, 'session-secret'))).toBe(true);
    const cookie = (await loggedIn()).cookie;
    const restarted = new SiteClient(createHttpApp(site.app));
    restarted.cookie = cookie;
    expect((await restarted.get('/account')).status).toBe(200);
  });

  it('SESSION_SECRET, when set, signs the tokens instead of a generated one', async () => {
    await withAccount({ SESSION_SECRET: Buffer.alloc(32, 7).toString('base64') });
    expect(existsSync(join(site.app.dir, 'session-secret'))).toBe(false);
    const cookie = (await loggedIn()).cookie!;
    const claims = tokenClaims(cookie);
    const now = Math.floor(site.app.clock.now().getTime() / 1000);
    const ours = await new SignJWT({ bid: claims.bid, sv: claims.sv, mc: false })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('C1')
      .setIssuer(String(claims.iss))
      .setAudience(String(claims.aud))
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti('made-with-the-setting')
      .sign(Buffer.alloc(32, 7));
    const client = site.client();
    client.cookie = ours;
    expect((await client.get('/account')).status).toBe(200);
  });
});
