import { afterEach, describe, expect, it } from 'vitest';
import { changeLoginAccess } from '../../src/app/logins.ts';
import { staff } from '../support/app.ts';
import {
  createSite,
  giveLogin,
  givePermanentPassword,
  hourMs,
  mintResetToken,
  otherStrongPassword,
  strongPassword,
  type Site,
} from './support.ts';

/**
 * Nothing the client site answers may tell whether an account or an email exists: not the status,
 * not a header (Set-Cookie, Content-Length, ETag included), not a byte of the body.
 */
let site: Site;
afterEach(async () => site.dispose());

const asHtmx = { 'hx-request': 'true' };

async function whole(response: Response) {
  return { status: response.status, headers: [...response.headers], body: await response.text() };
}

async function withAccounts() {
  site = await createSite({ LOGIN_FREE_FAILURES: '50' });
  await giveLogin(site.app, 'C1', 'olivia');
  await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
  await giveLogin(site.app, 'C2', 'liam.g');
  await changeLoginAccess(site.app.deps, { clientId: 'C2', action: 'disable' }, { actor: staff });
}

describe('the client site is no oracle for accounts', () => {
  it('a failed login answers byte for byte the same for a real, a disabled and an unknown user name', async () => {
    await withAccounts();
    for (const headers of [{}, asHtmx]) {
      // The form gives back the user name typed, so each is compared with one of the same length
      // (Content-Length included) and the echoed name is the only thing set aside.
      const post = async (username: string) => {
        const answer = await whole(
          await site.client().post('/login', { username, password: 'not the password' }, headers),
        );
        return { ...answer, body: answer.body.replace(`value="${username}"`, 'value="…"') };
      };
      const real = await post('olivia');
      expect(real.status).toBe(422);
      expect(real.body).toContain('value="…"');
      expect(real.headers.map(([name]) => name)).not.toContain('set-cookie');
      expect(await post('liam.g')).toEqual(real);
      expect(await post('nobody')).toEqual(real);
      expect(await post('olivia@example.com')).toEqual(await post('olivia@example.org'));
    }
  });

  it('the forgot pages answer the same for a known and an unknown user name or email', async () => {
    await withAccounts();
    for (const headers of [{}, asHtmx]) {
      const forgotPassword = async (identifier: string) =>
        whole(await site.client().post('/forgot-password', { identifier }, headers));
      const known = await forgotPassword('olivia');
      expect(await forgotPassword('nobody.at.all')).toEqual(known);
      expect(await forgotPassword('liam@example.com')).toEqual(known);
      const forgotUserName = async (email: string) =>
        whole(await site.client().post('/forgot-username', { email }, headers));
      const knownEmail = await forgotUserName('olivia@example.com');
      expect(await forgotUserName('stranger@example.com')).toEqual(knownEmail);
    }
  });

  it('a spent, an expired, a disabled account’s and a made-up reset link answer the same, GET and POST', async () => {
    await withAccounts();
    await site.client().post('/forgot-password', { identifier: 'olivia' });
    const spent = `/reset/${await mintResetToken(site.app, 'C1')}`;
    await site.client().post(spent, { newPassword: otherStrongPassword, confirmPassword: otherStrongPassword });
    site.app.clock.advance(hourMs);
    await site.client().post('/forgot-password', { identifier: 'olivia' });
    const expired = `/reset/${await mintResetToken(site.app, 'C1')}`;
    site.app.clock.advance(hourMs);
    await changeLoginAccess(site.app.deps, { clientId: 'C2', action: 'enable' }, { actor: staff });
    await site.client().post('/forgot-password', { identifier: 'liam.g' });
    const disabled = `/reset/${await mintResetToken(site.app, 'C2')}`;
    await changeLoginAccess(site.app.deps, { clientId: 'C2', action: 'disable' }, { actor: staff });
    // Same length as a real link, so not even the path's length differs in the answer.
    const madeUp = `/reset/${spent.slice('/reset/'.length).replace(/[A-Za-z]/g, 'x')}`;
    for (const headers of [{}, asHtmx]) {
      const get = async (link: string) => whole(await site.client().get(link, headers));
      const post = async (link: string) =>
        whole(
          await site.client().post(link, { newPassword: strongPassword, confirmPassword: strongPassword }, headers),
        );
      const reference = { get: await get(madeUp), post: await post(madeUp) };
      expect(reference.get.status).toBe(404);
      for (const link of [spent, expired, disabled])
        expect({ get: await get(link), post: await post(link) }).toEqual(reference);
    }
  });
});
