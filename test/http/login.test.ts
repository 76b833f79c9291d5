import { afterEach, describe, expect, it } from 'vitest';
import { changeLoginAccess } from '../../src/app/logins.ts';
import { staff } from '../support/app.ts';
import {
  createSite,
  dayMs,
  eventTypes,
  giveLogin,
  givePermanentPassword,
  giveTempPassword,
  mistype,
  strongPassword,
  tokenClaims,
  type Site,
} from './support.ts';

let site: Site;
afterEach(async () => site.dispose());

async function fullResponse(response: Response) {
  return { status: response.status, headers: [...response.headers], body: await response.text() };
}

describe('GET /login', () => {
  it('shows a labelled form with autocomplete hints, the business name, and no inline script or style', async () => {
    site = await createSite({
      BUSINESS_NAME: 'Waggy Walks',
      BUSINESS_CONTACT: 'call 555-0100',
      BUSINESS_LOGO_URL: 'https://cdn.example.com/logo.png',
    });
    const response = await site.client().get('/login');
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<label for="username">User name (usually your email)</label>');
    expect(html).toContain('autocomplete="username"');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).toContain('Waggy Walks');
    expect(html).toContain('call 555-0100');
    expect(html).toContain('src="https://cdn.example.com/logo.png"');
    expect(html).not.toMatch(/style=|<style|<script(?![^>]*\ssrc=)/);
    expect(response.headers.get('content-security-policy')).toContain("img-src 'self' https://cdn.example.com");
  });

  it('fills in the user name from the link, escaped, and puts the focus on the password', async () => {
    site = await createSite();
    const html = await (await site.client().get('/login?username=olivia%40example.com')).text();
    expect(html).toMatch(/<input id="username"[^>]*value="olivia@example\.com"/);
    expect(html).toMatch(/<input id="password"[^>]*autofocus=""/);
    expect(html).not.toMatch(/<input id="username"[^>]*autofocus/);
    const hostile = await (await site.client().get('/login?username=%22%3E%3Cscript%3Ealert(1)%3C/script%3E')).text();
    expect(hostile).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(hostile).not.toContain('<script>alert');
  });

  it('ignores a user name in the link that no login could have', async () => {
    site = await createSite();
    for (const query of [`?username=${'a'.repeat(255)}`, '?username=%20%20', '?username=']) {
      const html = await (await site.client().get(`/login${query}`)).text();
      expect(html).toMatch(/<input id="username"[^>]*value=""/);
      expect(html).not.toMatch(/autofocus/);
    }
  });

  it('offers the notice named in the query, and ignores any other text there', async () => {
    site = await createSite();
    expect(await (await site.client().get('/login?notice=logged-out')).text()).toContain('You have logged out.');
    expect(await (await site.client().get('/login?notice=<script>')).text()).not.toContain('&lt;script');
  });
});

describe('POST /login', () => {
  it('a temporary password signs in to "choose your new password" with a fresh session cookie', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    const response = await site.client().post('/login', { username: 'Olivia', password: temp });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/choose-password');
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-latchkey='));
    expect(cookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('puts only ids and flags in the session token, never a name or email', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia@example.com');
    const temp = await giveTempPassword(site.app, 'C1');
    const client = site.client();
    await client.post('/login', { username: 'olivia@example.com', password: temp });
    const claims = tokenClaims(client.cookie!);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'bid', 'exp', 'iat', 'iss', 'jti', 'ks', 'mc', 'sub', 'sv']);
    expect(claims).toMatchObject({
      bid: 'default',
      sub: 'C1',
      sv: 0,
      mc: true,
      ks: false,
      iss: 'http://localhost:3000',
    });
    expect(JSON.stringify(claims)).not.toMatch(/olivia|Nguyen|example\.com/i);
  });

  it('every login gets a new token', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const first = site.client();
    const second = site.client();
    await first.post('/login', { username: 'olivia', password: strongPassword });
    await second.post('/login', { username: 'olivia', password: strongPassword });
    expect(first.cookie).not.toBeNull();
    expect(second.cookie).not.toBe(first.cookie);
    expect(tokenClaims(second.cookie!).jti).not.toBe(tokenClaims(first.cookie!).jti);
  });

  it('a permanent password opens the account page', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const client = site.client();
    const response = await client.post('/login', { username: 'olivia', password: strongPassword });
    expect(response.headers.get('location')).toBe('/account');
    const account = await client.get('/account');
    expect(account.status).toBe(200);
    expect(await account.text()).toContain('Olivia Nguyen');
  });

  it('the permanent password opens the account even after an unfinished temporary-password login', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const temp = await giveTempPassword(site.app, 'C1');
    expect((await site.client().post('/login', { username: 'olivia', password: temp })).headers.get('location')).toBe(
      '/choose-password',
    );
    const response = await site.client().post('/login', { username: 'olivia', password: strongPassword });
    expect(response.headers.get('location')).toBe('/account');
  });

  it('with htmx, success answers with HX-Redirect instead of a redirect fetch would follow', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const response = await site
      .client()
      .post('/login', { username: 'olivia', password: strongPassword }, { 'hx-request': 'true' });
    expect(response.status).toBe(204);
    expect(response.headers.get('hx-redirect')).toBe('/account');
    expect(response.headers.get('location')).toBeNull();
  });

  it('empty fields come back as 422 with inline errors and the focus on the first one', async () => {
    site = await createSite();
    const response = await site.client().post('/login', { username: '  ', password: '' });
    const html = await response.text();
    expect(response.status).toBe(422);
    expect(html).toContain('<title>Error: Log in');
    expect(html).toMatch(/<p class="field-error" id="username-error">.*Enter your user name<\/p>/);
    expect(html).toMatch(
      /<input id="username"[^>]*aria-invalid="true"[^>]*aria-describedby="username-error"[^>]*autofocus=""/,
    );
    expect(html).toMatch(/<input id="password"[^>]*aria-invalid="true"/);
    expect(html).not.toMatch(/<input id="password"[^>]*autofocus/);
    expect(html).toContain('role="alert"');
    expect(await eventTypes(site.app)).not.toContain('LoginFailed');
  });

  it('with htmx, a failure answers 422 with the form alone, to swap in place', async () => {
    site = await createSite();
    const response = await site
      .client()
      .post('/login', { username: 'nobody', password: 'wrong password' }, { 'hx-request': 'true' });
    const html = await response.text();
    expect(response.status).toBe(422);
    expect(html.startsWith('<title>Error: Log in – Happy Paws Pet Sitting</title><form id="login-form"')).toBe(true);
    expect(html).not.toContain('<html');
    expect(html).toMatch(/<input id="password"[^>]*aria-describedby="login-error" autofocus=""/);
  });
});

describe('every kind of login failure looks the same', () => {
  it('unknown user, wrong password, burned, expired, disabled and throttled get identical status, headers and body', async () => {
    site = await createSite({ LOGIN_FREE_FAILURES: '10' });
    const attempt = async (password: string) =>
      fullResponse(await site.client().post('/login', { username: 'olivia', password }));

    const unknownUser = await attempt('anything at all');
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const wrongPassword = await attempt('not the password');

    const burnedTemp = await giveTempPassword(site.app, 'C1');
    await attempt(mistype(burnedTemp));
    const burned = await attempt(burnedTemp);

    const expiringTemp = await giveTempPassword(site.app, 'C1');
    site.app.clock.advance(7 * dayMs);
    const expired = await attempt(expiringTemp);

    await changeLoginAccess(site.app.deps, { clientId: 'C1', action: 'disable' }, { actor: staff });
    const disabled = await attempt(strongPassword);
    await changeLoginAccess(site.app.deps, { clientId: 'C1', action: 'enable' }, { actor: staff });

    for (let i = 0; i < 10; i++) await attempt('still wrong');
    const throttled = await attempt(strongPassword);

    expect(unknownUser.status).toBe(422);
    for (const other of [wrongPassword, burned, expired, disabled, throttled]) expect(other).toEqual(unknownUser);
    const failures = (await site.app.deps.store.readAll({ after: null, limit: 10_000 }))
      .filter((e) => e.type === 'LoginFailed')
      .map((e) => (e.data as { reason: string }).reason);
    expect(new Set(failures)).toEqual(new Set(['wrong_password', 'temporary_expired', 'disabled', 'throttled']));
    expect(await eventTypes(site.app)).toContain('UnknownUserNameLoginFailed');
  });
});

describe('temporary passwords', () => {
  it('a mistyped temporary password burns it: the right one then fails', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    expect((await site.client().post('/login', { username: 'olivia', password: mistype(temp) })).status).toBe(422);
    const retry = await site.client().post('/login', { username: 'olivia', password: temp });
    expect(retry.status).toBe(422);
    expect(retry.headers.getSetCookie()).toEqual([]);
    expect(site.app.deps.readModels.credentials.getCredential('C1')?.tempOutcome).toBe('burned_failed_attempt');
  });

  it('with TEMP_PASSWORD_MAX_FAILURES=2, one mistake leaves it usable and the second burns it', async () => {
    site = await createSite({ TEMP_PASSWORD_MAX_FAILURES: '2' });
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    await site.client().post('/login', { username: 'olivia', password: mistype(temp) });
    expect((await site.client().post('/login', { username: 'olivia', password: temp })).status).toBe(303);

    const second = await giveTempPassword(site.app, 'C1');
    await site.client().post('/login', { username: 'olivia', password: mistype(second) });
    await site.client().post('/login', { username: 'olivia', password: mistype(mistype(second)) });
    expect((await site.client().post('/login', { username: 'olivia', password: second })).status).toBe(422);
  });

  it('is compared after trimming and case-folding: pasted with a newline, a space or in capitals, it signs in', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    for (const variant of [(t: string) => `${t}\n`, (t: string) => ` ${t} `, (t: string) => t.toUpperCase()]) {
      const temp = await giveTempPassword(site.app, 'C1');
      const response = await site.client().post('/login', { username: 'olivia', password: variant(temp) });
      expect(response.headers.get('location')).toBe('/choose-password');
    }
  });

  it('a wrong try that could not have been a temporary password (junk, a permanent password) does not burn it', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    for (const password of ['x', ' ', 'velvet otter juggles lanterns', `${temp}-and-more`, "' OR 1=1 --"])
      expect((await site.client().post('/login', { username: 'olivia', password })).status).toBe(422);
    const failures = (await site.app.deps.store.readAll({ after: null, limit: 1000 })).filter(
      (e) => e.type === 'LoginFailed',
    );
    expect(failures.map((e) => (e.data as { couldBeTemporary?: boolean }).couldBeTemporary)).toEqual(
      Array(5).fill(false),
    );
    expect(site.app.deps.readModels.credentials.getCredential('C1')?.tempOutcome).not.toBe('burned_failed_attempt');
    site.app.clock.advance(60_000); // past the account backoff that five failures start
    expect((await site.client().post('/login', { username: 'olivia', password: temp })).headers.get('location')).toBe(
      '/choose-password',
    );
  });

  it('works once: a second login with the same temporary password fails', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    const temp = await giveTempPassword(site.app, 'C1');
    expect((await site.client().post('/login', { username: 'olivia', password: temp })).status).toBe(303);
    expect((await site.client().post('/login', { username: 'olivia', password: temp })).status).toBe(422);
  });

  it('works until the last millisecond of its 7 days and fails from then on', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await giveLogin(site.app, 'C2', 'liam.garcia');
    const olivias = await giveTempPassword(site.app, 'C1');
    const liams = await giveTempPassword(site.app, 'C2');
    site.app.clock.advance(7 * dayMs - 1);
    expect((await site.client().post('/login', { username: 'olivia', password: olivias })).status).toBe(303);
    site.app.clock.advance(1);
    expect((await site.client().post('/login', { username: 'liam.garcia', password: liams })).status).toBe(422);
  });

  it('an existing permanent password keeps working while a temporary one is pending', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    await giveTempPassword(site.app, 'C1');
    expect(
      (await site.client().post('/login', { username: 'olivia', password: strongPassword })).headers.get('location'),
    ).toBe('/account');
  });

  it('with PERMANENT_PASSWORD_WORKS_WHILE_TEMP_PENDING=false the permanent password is refused until the temporary one is used', async () => {
    site = await createSite({ PERMANENT_PASSWORD_WORKS_WHILE_TEMP_PENDING: 'false' });
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    await giveTempPassword(site.app, 'C1');
    expect((await site.client().post('/login', { username: 'olivia', password: strongPassword })).status).toBe(422);
  });

  it('with PERMANENT_PASSWORD_WORKS_WHILE_TEMP_PENDING=false an expired temporary password no longer holds the permanent one back', async () => {
    site = await createSite({ PERMANENT_PASSWORD_WORKS_WHILE_TEMP_PENDING: 'false' });
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    await giveTempPassword(site.app, 'C1');
    site.app.clock.advance(7 * dayMs);
    expect(
      (await site.client().post('/login', { username: 'olivia', password: strongPassword })).headers.get('location'),
    ).toBe('/account');
    expect(site.app.deps.readModels.credentials.getCredential('C1')?.tempOutcome).toBe('burned_expired');
  });
});

describe('per-account throttling', () => {
  it('after 5 failures even the right password is refused for 2 s, then accepted', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    for (let i = 0; i < 5; i++) await site.client().post('/login', { username: 'olivia', password: `wrong ${i}` });
    site.app.clock.advance(1999);
    expect((await site.client().post('/login', { username: 'olivia', password: strongPassword })).status).toBe(422);
    site.app.clock.advance(1);
    expect((await site.client().post('/login', { username: 'olivia', password: strongPassword })).status).toBe(303);
  });

  it('the delay doubles per further failure, and attempts while throttled neither count nor extend it', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    for (let i = 0; i < 5; i++) await site.client().post('/login', { username: 'olivia', password: `wrong ${i}` });
    site.app.clock.advance(2000);
    await site.client().post('/login', { username: 'olivia', password: 'wrong again' });
    for (let i = 0; i < 3; i++) {
      site.app.clock.advance(1000);
      await site.client().post('/login', { username: 'olivia', password: 'hammering' });
    }
    expect((await site.client().post('/login', { username: 'olivia', password: strongPassword })).status).toBe(422);
    site.app.clock.advance(1000);
    expect((await site.client().post('/login', { username: 'olivia', password: strongPassword })).status).toBe(303);
    const failures = (await site.app.deps.store.readAll({ after: null, limit: 10_000 })).filter(
      (e) => e.type === 'LoginFailed',
    );
    expect(failures.filter((e) => (e.data as { reason: string }).reason === 'throttled')).toHaveLength(4);
  });
});
