import { afterEach, describe, expect, it } from 'vitest';
import {
  createSite,
  giveLogin,
  givePermanentPassword,
  giveTempPassword,
  mintResetToken,
  otherStrongPassword,
  strongPassword,
  type Site,
} from './support.ts';

let site: Site;
afterEach(async () => site.dispose());

const choose = (password: string, confirm = password) => ({ newPassword: password, confirmPassword: confirm });

/** Every <input …> tag of a page, by its id. */
function inputTag(html: string, id: string): string {
  return html.match(new RegExp(`<input id="${id}"[^>]*>`))?.[0] ?? '';
}

function count(html: string, text: string): number {
  return html.split(text).length - 1;
}

async function temporaryLogin() {
  site = await createSite();
  await giveLogin(site.app, 'C1', 'olivia');
  const temp = await giveTempPassword(site.app, 'C1');
  const client = site.client();
  await client.post('/login', { username: 'olivia', password: temp });
  return { client, temp };
}

async function resetLink(): Promise<string> {
  site = await createSite();
  await giveLogin(site.app, 'C1', 'olivia');
  await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
  await site.client().post('/forgot-password', { identifier: 'olivia' });
  return `/reset/${await mintResetToken(site.app, 'C1')}`;
}

describe('password fields', () => {
  it('every password field has a show-password button that names the field it controls', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const client = site.client();
    const login = await (await client.get('/login')).text();
    await client.post('/login', { username: 'olivia', password: strongPassword });
    const account = await (await client.get('/account')).text();
    for (const [html, ids] of [
      [login, ['password']],
      [account, ['currentPassword', 'newPassword', 'confirmPassword']],
    ] as const) {
      expect(html.match(/<input id="[^"]+"[^>]*type="password"/g)).toHaveLength(ids.length);
      for (const id of ids)
        expect(html).toContain(
          `<button type="button" class="password-toggle" data-password-toggle="" aria-controls="${id}" aria-pressed="false">Show password</button>`,
        );
    }
  });

  it('the site script that runs the buttons is our own file, allowed by a CSP with no inline script', async () => {
    site = await createSite();
    const response = await site.client().get('/login');
    const html = await response.text();
    const src = html.match(/<script src="(\/assets\/site-[0-9a-f]{12}\.js)" defer=""><\/script>/)?.[1];
    expect(src).toBeDefined();
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const script = await site.client().get(src!);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('aria-pressed');
  });

  it('new passwords carry the policy as minlength, maxlength and passwordrules', async () => {
    const link = await resetLink();
    const html = await (await site.client().get(link)).text();
    for (const id of ['newPassword', 'confirmPassword']) {
      const tag = inputTag(html, id);
      expect(tag).toContain('minlength="15"');
      expect(tag).toContain('maxlength="128"');
      expect(tag).toContain('passwordrules="minlength: 15; maxlength: 128;"');
    }
    expect(inputTag(html, 'newPassword')).toContain('aria-describedby="newPassword-hint"');
  });

  it('states each rule once, before and after a refusal', async () => {
    const link = await resetLink();
    const before = await (await site.client().get(link)).text();
    const refused = await (await site.client().post(link, choose('short one'))).text();
    for (const html of [before, refused]) {
      expect(count(html, '15 to 128 characters')).toBe(1);
      expect(count(html, 'not a common password')).toBe(0);
      expect(count(html, 'Not a common password')).toBe(1);
      expect(count(html, 'business name')).toBe(1);
      expect(count(html, 'unrelated words')).toBe(1);
    }
    expect(refused).toContain('That password is too short: it has 9 characters.');
  });

  it('names the word of the client’s own that a password contains', async () => {
    const link = await resetLink();
    const html = await (await site.client().post(link, choose('Olivia walks the dogs at dawn'))).text();
    expect(html).toContain('That password contains &quot;olivia&quot;, which is part of your name');
  });

  it('keeps a refused new password in both boxes, and the first after a mismatch', async () => {
    const link = await resetLink();
    const weak = 'Olivia walks the dogs at dawn';
    const refused = await (await site.client().post(link, choose(weak))).text();
    expect(inputTag(refused, 'newPassword')).toContain(`value="${weak}"`);
    expect(inputTag(refused, 'confirmPassword')).toContain(`value="${weak}"`);
    const mismatch = await site.client().post(link, choose(otherStrongPassword, 'something else entirely'));
    expect(mismatch.headers.get('cache-control')).toBe('no-store');
    const html = await mismatch.text();
    expect(inputTag(html, 'newPassword')).toContain(`value="${otherStrongPassword}"`);
    expect(inputTag(html, 'confirmPassword')).not.toContain('value=');
  });

  it('never writes the temporary password back into the page', async () => {
    const { client, temp } = await temporaryLogin();
    const response = await client.post('/choose-password', choose(temp));
    const html = await response.text();
    expect(response.status).toBe(422);
    expect(html).toContain('can&#39;t be the temporary one');
    expect(html).not.toContain(temp);
    expect(inputTag(html, 'newPassword')).not.toContain('value=');
  });

  it('never writes the current password back, but keeps the new one', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const client = site.client();
    await client.post('/login', { username: 'olivia', password: strongPassword });
    const html = await (
      await client.post('/account/password', { currentPassword: 'not my password', ...choose(otherStrongPassword) })
    ).text();
    expect(inputTag(html, 'currentPassword')).not.toContain('value=');
    expect(html).not.toContain('not my password');
    expect(inputTag(html, 'newPassword')).toContain(`value="${otherStrongPassword}"`);
  });
});
