import { afterEach, describe, expect, it } from 'vitest';
import { forBusiness } from '../../src/app/business-scope.ts';
import { defaultBusinessSettings, registerBusiness, setBusinessSuspended } from '../../src/app/businesses.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';
import {
  eventTypes,
  giveLogin,
  givePermanentPassword,
  giveTempPassword,
  mintResetToken,
  otherStrongPassword,
  SiteClient,
  strongPassword,
} from './support.ts';

const happyPaws = 'http://happypaws.localhost:3000';
const waggingTails = 'http://waggingtails.localhost:3000';

let app: TestApp;
afterEach(async () => app.dispose());

/** The app as one business's staff and helpers see it. */
const asBusiness = (businessId: string): TestApp => ({ ...app, deps: forBusiness(app.deps, businessId) });

/**
 * Two businesses beside the default one, each on its own origin, each with a client C1 and a
 * client C2 of the same names and emails, and the same user names: C1 has a permanent password
 * (a different one in each business), C2 a login only.
 */
async function twoBusinesses() {
  app = await createTestApp({ PUBLIC_ORIGIN: 'http://localhost:3000' });
  const defaults = defaultBusinessSettings(app.config);
  const businesses = [
    { businessId: 'happypaws', name: 'Happy Paws', publicOrigin: happyPaws, password: strongPassword },
    { businessId: 'waggingtails', name: 'Wagging Tails', publicOrigin: waggingTails, password: otherStrongPassword },
  ];
  for (const { businessId, name, publicOrigin, password } of businesses) {
    const registered = await registerBusiness(
      app.deps,
      { businessId, settings: { ...defaults, name, publicOrigin, logoUrl: null, contact: null } },
      defaults,
      { actor: staff },
    );
    if (!registered.ok) throw new Error(registered.error.message);
    const scoped = asBusiness(businessId);
    await registerClients(scoped, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
      { clientId: 'C2', firstName: 'Liam', lastName: 'Garcia', email: 'liam@example.com' },
    ]);
    await giveLogin(scoped, 'C1', 'olivia');
    await givePermanentPassword(scoped, 'C1', 'olivia', password);
    await giveLogin(scoped, 'C2', 'liam.garcia');
  }
  const http = createHttpApp(app);
  return {
    happy: () => new SiteClient(http, undefined, happyPaws),
    wagging: () => new SiteClient(http, undefined, waggingTails),
    http,
  };
}

async function streamTypes(stream: string): Promise<string[]> {
  return (await app.deps.store.readStream(stream)).map((event) => event.type);
}

describe('one site per business, chosen by the Host', () => {
  it('the same user name at two businesses: each logs in with its own password on its own host only', async () => {
    const site = await twoBusinesses();
    expect((await site.happy().post('/login', { username: 'olivia', password: strongPassword })).status).toBe(303);
    expect((await site.wagging().post('/login', { username: 'olivia', password: otherStrongPassword })).status).toBe(
      303,
    );
    const crossed = await site.wagging().post('/login', { username: 'olivia', password: strongPassword });
    expect(crossed.status).not.toBe(303);
    expect(await streamTypes('happypaws/credential-C1')).toContain('LoginSucceeded');
    expect(await streamTypes('waggingtails/username-olivia')).toEqual(['UserNameReserved']);
  });

  it("each business's page shows its own name", async () => {
    const site = await twoBusinesses();
    expect(await (await site.happy().get('/login')).text()).toContain('Happy Paws');
    const wagging = await (await site.wagging().get('/login')).text();
    expect(wagging).toContain('Wagging Tails');
    expect(wagging).not.toContain('Happy Paws');
  });

  it("a session cookie of one business is refused on the other's host", async () => {
    const site = await twoBusinesses();
    const happy = site.happy();
    await happy.post('/login', { username: 'olivia', password: strongPassword });
    expect((await happy.get('/account')).status).toBe(200);
    const wagging = site.wagging();
    wagging.cookie = happy.cookie;
    const refused = await wagging.get('/account');
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe('/login');
  });

  it("a form posted from one business's origin to the other's host is refused", async () => {
    const site = await twoBusinesses();
    const response = await site
      .wagging()
      .post('/login', { username: 'olivia', password: otherStrongPassword }, { origin: happyPaws });
    expect(response.status).toBe(403);
  });

  it("a reset link of one business does nothing on the other's host", async () => {
    const site = await twoBusinesses();
    expect((await site.happy().post('/forgot-password', { identifier: 'olivia' })).status).toBe(303);
    const link = `/reset/${await mintResetToken(asBusiness('happypaws'), 'C1')}`;
    expect((await site.wagging().get(link)).status).toBe(404);
    expect((await site.wagging().post(link, { newPassword: 'x', confirmPassword: 'x' })).status).toBe(404);
    expect(await streamTypes('waggingtails/credential-C1')).not.toContain('PasswordResetCompleted');
    expect((await site.happy().get(link)).status).toBe(200);
  });

  it("a temporary password of one business fails on the other's host", async () => {
    const site = await twoBusinesses();
    const temp = await giveTempPassword(asBusiness('happypaws'), 'C2');
    const crossed = await site.wagging().post('/login', { username: 'liam.garcia', password: temp });
    expect(crossed.status).not.toBe(303);
    const own = await site.happy().post('/login', { username: 'liam.garcia', password: temp });
    expect(own.status).toBe(303);
    expect(own.headers.get('location')).toBe('/choose-password');
  });

  it("forgot user name asks for mail about the host's business's logins only", async () => {
    const site = await twoBusinesses();
    expect((await site.happy().post('/forgot-username', { email: 'olivia@example.com' })).status).toBe(303);
    expect(await streamTypes('happypaws/credential-C1')).toContain('UserNameReminderRequested');
    expect(await streamTypes('waggingtails/credential-C1')).not.toContain('UserNameReminderRequested');
    expect(await streamTypes('credential-C1')).toEqual([]);
  });

  it('an unknown host gets a plain 404 that names no business', async () => {
    const site = await twoBusinesses();
    const response = await new SiteClient(site.http, undefined, 'http://elsewhere.localhost:3000').get('/login');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not Found');
  });

  it("a suspended business's clients get the uniform login failure, and their sessions end; nothing is deleted", async () => {
    const site = await twoBusinesses();
    const signedIn = site.wagging();
    await signedIn.post('/login', { username: 'olivia', password: otherStrongPassword });
    const wrong = await site.wagging().post('/login', { username: 'olivia', password: 'not the password at all' });
    const suspended = await setBusinessSuspended(
      app.deps,
      'waggingtails',
      { suspended: true, reason: 'unpaid invoice' },
      defaultBusinessSettings(app.config),
      { actor: staff },
    );
    expect(suspended.ok).toBe(true);
    const right = await site.wagging().post('/login', { username: 'olivia', password: otherStrongPassword });
    expect(right.status).toBe(wrong.status);
    expect(await right.text()).toBe(await wrong.text());
    expect(right.headers.getSetCookie().some((line) => line.startsWith('__Host-latchkey='))).toBe(false);
    expect((await signedIn.get('/account')).headers.get('location')).toBe('/login');
    expect((await site.happy().post('/login', { username: 'olivia', password: strongPassword })).status).toBe(303);
    expect(asBusiness('waggingtails').deps.readModels.credentials.findClientIdByUserName('olivia')).toBe('C1');
    expect(await eventTypes(app)).toContain('BusinessSuspended');
  });
});
