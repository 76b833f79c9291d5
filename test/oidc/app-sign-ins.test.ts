import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeEvent, type EventOfType, type Recorded } from '../../src/domain/events.ts';
import { sessionStream } from '../../src/domain/session.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { oidcHosting } from '../../src/oidc/hosting.ts';
import { openOidcStore, type OidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { describeEvent } from '../../src/slack/blocks/event-labels.ts';
import { defaultBusinessSettings, registerBusiness } from '../../src/app/businesses.ts';
import { forBusiness } from '../../src/app/business-scope.ts';
import { changeLoginAccess } from '../../src/app/logins.ts';
import { removeOidcApp } from '../../src/oidc/apps.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';
import { runCli } from '../support/cli.ts';
import { giveLogin, givePermanentPassword, giveTempPassword, strongPassword } from '../http/support.ts';
import { addApp, authorizationRequest, Browser, discoverIssuer, freePort, type RegisteredApp } from './support.ts';

/**
 * Every sign-in to an app is one `ClientSignedInToApp` event on the client's sessions stream,
 * with how she signed in, through a real server with openid-client as the portals.
 */
describe('sign-ins to apps are recorded', () => {
  let app: TestApp;
  let store: OidcStore;
  let server: RunningServer;
  let origin: string;
  const portal = 'http://localhost:4999/callback';
  const otherPortal = 'http://localhost:4998/callback';
  let portalApp: RegisteredApp;
  let secondApp: RegisteredApp;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    app = await createTestApp({ PUBLIC_ORIGIN: origin });
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
      { clientId: 'C2', firstName: 'Liam', lastName: 'Park', email: 'liam@example.com' },
    ]);
    await giveLogin(app, 'C1', 'olivia');
    await giveLogin(app, 'C2', 'liam.park');
    await givePermanentPassword(app, 'C2', 'liam.park', strongPassword);
    portalApp = await addApp(app, 'default', portal);
    secondApp = await addApp(app, 'default', otherPortal);
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    server = await startHttpServer(createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) }), {
      port,
      host: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    await app.dispose();
  });

  async function start(registered: RegisteredApp, extra: Record<string, string> = {}) {
    const config = await discoverIssuer(origin, registered);
    const redirectUri = registered === portalApp ? portal : otherPortal;
    return { config, redirectUri, ...(await authorizationRequest(config, redirectUri, extra)) };
  }

  /** Exchanges the code the portal got back, as the portal would: the sign-in worked end to end. */
  async function exchange(started: Awaited<ReturnType<typeof start>>, back: URL) {
    return (await client.authorizationCodeGrant(started.config, back, started.checks)).claims()!;
  }

  async function signInsOf(clientId: string) {
    const events = (await app.deps.store.readStream(sessionStream('default', clientId))).map((e) => decodeEvent(e));
    return events.filter(
      (event): event is Recorded<EventOfType<'ClientSignedInToApp'>> => event?.type === 'ClientSignedInToApp',
    );
  }

  /** Logs in through the form the interaction sends the browser to, and follows on to the portal. */
  async function logInThroughPortal(browser: Browser, started: Awaited<ReturnType<typeof start>>, password: string) {
    const toLogin = await browser.follow(started.url, `${origin}/login`);
    expect(toLogin.url.pathname).toBe('/login');
    const returnTo = toLogin.url.searchParams.get('return')!;
    const userName = password === strongPassword ? 'liam.park' : 'olivia';
    const loggedIn = await browser.post(`${origin}/login`, { username: userName, password, return: returnTo });
    expect(loggedIn.status).toBe(303);
    return { returnTo, next: new URL(loggedIn.headers.get('location')!, origin) };
  }

  const olivia = new Browser();

  it('a temporary password, then a chosen one: one sign-in, "temporary password", with the app and its name', async () => {
    const temp = await giveTempPassword(app, 'C1');
    const started = await start(portalApp);
    const { returnTo, next } = await logInThroughPortal(olivia, started, temp);
    expect(next.pathname).toBe('/choose-password');
    const chosen = await olivia.post(`${origin}/choose-password`, {
      newPassword: strongPassword,
      confirmPassword: strongPassword,
      return: returnTo,
    });
    expect(chosen.headers.get('location')).toBe(returnTo);
    const back = await olivia.follow(new URL(returnTo, origin), portal);
    expect((await exchange(started, back.url)).sub).toBe('C1');

    const signIns = await signInsOf('C1');
    expect(signIns).toHaveLength(1);
    expect(signIns[0]!.data).toEqual({
      clientId: 'C1',
      appId: portalApp.appId,
      appName: 'Portal',
      method: 'temporary password',
    });
    expect(signIns[0]!.metadata.actor).toEqual({ kind: 'client', id: 'C1' });
    // No code, token or session id in what is recorded.
    expect(JSON.stringify(signIns[0])).not.toContain(back.url.searchParams.get('code')!);
  });

  it('a second app with no form is single sign-on, recorded once', async () => {
    const started = await start(secondApp);
    const back = await olivia.follow(started.url, otherPortal);
    expect(back.url.origin + back.url.pathname).toBe(otherPortal);
    await exchange(started, back.url);
    const signIns = await signInsOf('C1');
    expect(signIns.map((e) => [e.data.appId, e.data.method])).toEqual([
      [portalApp.appId, 'temporary password'],
      [secondApp.appId, 'single sign-on'],
    ]);
  });

  it("a silent sign-in (prompt=none) with the provider's session is single sign-on, recorded once", async () => {
    const started = await start(portalApp, { prompt: 'none' });
    const back = await olivia.follow(started.url, portal);
    expect(back.url.searchParams.get('error')).toBeNull();
    await exchange(started, back.url);
    const signIns = await signInsOf('C1');
    expect(signIns).toHaveLength(3);
    expect(signIns[2]!.data).toMatchObject({ appId: portalApp.appId, method: 'single sign-on' });
  });

  it('prompt=consent with an existing provider session is single sign-on, recorded once', async () => {
    const started = await start(portalApp, { scope: 'openid offline_access', prompt: 'consent' });
    const back = await olivia.follow(started.url, portal);
    await exchange(started, back.url);
    const signIns = await signInsOf('C1');
    expect(signIns).toHaveLength(4);
    expect(signIns[3]!.data).toMatchObject({ appId: portalApp.appId, method: 'single sign-on' });
  });

  it('a password typed for the portal is "password", also when a consent step follows the login', async () => {
    const liam = new Browser();
    const started = await start(portalApp, { scope: 'openid offline_access', prompt: 'consent' });
    const { next } = await logInThroughPortal(liam, started, strongPassword);
    expect(next.pathname).toMatch(/^\/oidc\/interaction\//);
    const back = await liam.follow(next, portal);
    expect((await exchange(started, back.url)).sub).toBe('C2');
    const signIns = await signInsOf('C2');
    expect(signIns.map((e) => e.data.method)).toEqual(['password']);
  });

  it('a Latchkey session from before the portal asked is single sign-on: no form was filled for this sign-in', async () => {
    const liam = new Browser();
    const loggedIn = await liam.post(`${origin}/login`, { username: 'liam.park', password: strongPassword });
    expect(loggedIn.headers.get('location')).toBe('/account');
    const started = await start(secondApp);
    const back = await liam.follow(started.url, otherPortal);
    expect(liam.visited.some((path) => path.startsWith('/login?'))).toBe(false);
    await exchange(started, back.url);
    const signIns = await signInsOf('C2');
    expect(signIns.map((e) => [e.data.appId, e.data.method])).toEqual([
      [portalApp.appId, 'password'],
      [secondApp.appId, 'single sign-on'],
    ]);
  });

  it('when the sign-in cannot be recorded the portal gets no code, and nothing is recorded', async () => {
    const started = await start(secondApp);
    const append = vi.spyOn(app.deps.store, 'append').mockRejectedValueOnce(new Error('disk full'));
    try {
      const answered = await olivia.follow(started.url, otherPortal);
      expect(answered.response?.status).toBe(503);
      expect(answered.response?.headers.get('location')).toBeNull();
      expect(await answered.response?.text()).toMatch(/could not be completed/);
      expect(answered.url.href.startsWith(otherPortal)).toBe(false);
    } finally {
      append.mockRestore();
    }
    expect(await signInsOf('C1')).toHaveLength(4);
    // The provider's session is still there: the next try signs in, and is recorded.
    const again = await start(secondApp);
    const back = await olivia.follow(again.url, otherPortal);
    await exchange(again, back.url);
    expect(await signInsOf('C1')).toHaveLength(5);
  });

  it('the timeline, Slack History and `audit client` show each sign-in with the app and the method', async () => {
    const entries = app.deps.readModels.timeline.clientTimeline('C1').filter((e) => e.type === 'ClientSignedInToApp');
    expect(entries).toHaveLength(5);
    expect(entries[0]!.details).toEqual({ appId: portalApp.appId, appName: 'Portal', method: 'temporary password' });
    expect(describeEvent('ClientSignedInToApp', entries[1]!.details)).toBe(
      'Signed in to Portal without typing a password (already signed in)',
    );
    expect(describeEvent('ClientSignedInToApp', entries[0]!.details)).toBe(
      'Signed in to Portal with a temporary password, then chose a password',
    );
    const audited = await runCli(['audit', 'client', 'C2'], { LATCHKEY_DATA_DIR: app.dir });
    expect(audited.code).toBe(0);
    const lines = audited.stdout.split('\n').filter((line) => line.includes('ClientSignedInToApp'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`appId=${portalApp.appId} appName=Portal method=password`);
    expect(lines[1]).toContain(`appId=${secondApp.appId} appName=Portal method=single sign-on`);
    expect(lines[0]).toContain('by client C2');
  });

  it("a disabled login no longer signs in to an app with the provider's session, and nothing is recorded", async () => {
    const liam = new Browser();
    const started = await start(portalApp);
    const { next } = await logInThroughPortal(liam, started, strongPassword);
    await exchange(started, (await liam.follow(next, portal)).url);
    expect(await signInsOf('C2')).toHaveLength(3);
    await changeLoginAccess(app.deps, { clientId: 'C2', action: 'disable' }, { actor: staff });
    const again = await start(secondApp);
    const answered = await liam.follow(again.url, otherPortal);
    expect(answered.url.pathname).toBe('/login');
    expect(await signInsOf('C2')).toHaveLength(3);
    await changeLoginAccess(app.deps, { clientId: 'C2', action: 'enable' }, { actor: staff });
  });

  it('`audit as-of` says which apps she could sign in to then, with what, and her last sign-in to each', async () => {
    const env = { LATCHKEY_DATA_DIR: app.dir };
    const signedIn = app.clock.now().toISOString();
    app.clock.advance(86_400_000);
    const removed = await removeOidcApp(app.deps, 'default', secondApp.appId, { actor: staff });
    expect(removed.ok).toBe(true);
    await changeLoginAccess(app.deps, { clientId: 'C1', action: 'disable', reason: 'moved away' }, { actor: staff });

    const then = await runCli(['audit', 'as-of', signedIn, 'C1'], env);
    expect(then.code).toBe(0);
    expect(then.stdout).toContain('apps she could sign in to then, with her password:');
    expect(then.stdout).toContain(`Portal (${portalApp.appId}), registered`);
    expect(then.stdout).toContain(`Portal (${secondApp.appId}), registered`);
    expect(then.stdout).toContain('by staff Sam Staff (U-STAFF)');
    expect(then.stdout).toContain(`last signed in to Portal (${portalApp.appId}) at ${signedIn}, by single sign-on`);
    expect(then.stdout).toContain(`last signed in to Portal (${secondApp.appId}) at ${signedIn}, by single sign-on`);

    const later = await runCli(['audit', 'as-of', app.clock.now().toISOString(), 'C1'], env);
    expect(later.stdout).toContain('apps she could sign in to then, with nothing: the login was disabled:');
    expect(later.stdout).toContain(`Portal (${portalApp.appId})`);
    expect(later.stdout).not.toContain(`Portal (${secondApp.appId}), registered`);

    const before = await runCli(['audit', 'as-of', '2000-01-01T00:00:00Z', 'C1'], env);
    expect(before.stdout).toContain('apps: none registered for the business then');
    expect(before.stdout).not.toContain('last signed in');
  });

  it('a silent sign-in for a disabled login gets login_required back, and nothing is recorded', async () => {
    const count = (await signInsOf('C1')).length;
    const started = await start(portalApp, { prompt: 'none' });
    const back = await olivia.follow(started.url, portal);
    expect(back.url.origin + back.url.pathname).toBe(portal);
    expect(back.url.searchParams.get('error')).toBe('login_required');
    expect(back.url.searchParams.get('code')).toBeNull();
    expect(await signInsOf('C1')).toHaveLength(count);
  });
});

describe("a sign-in to another business's app", () => {
  let app: TestApp;
  let store: OidcStore;
  const servers: RunningServer[] = [];
  let happyOrigin: string;
  const portal = 'http://localhost:4997/callback';

  beforeAll(async () => {
    const [port, happyPort] = [await freePort(), await freePort()];
    happyOrigin = `http://127.0.0.1:${happyPort}`;
    app = await createTestApp({ PUBLIC_ORIGIN: `http://127.0.0.1:${port}` });
    const defaults = defaultBusinessSettings(app.config);
    const registered = await registerBusiness(
      app.deps,
      {
        businessId: 'happypaws',
        settings: { ...defaults, name: 'Happy Paws', publicOrigin: happyOrigin, logoUrl: null, contact: null },
      },
      defaults,
      { actor: staff },
    );
    if (!registered.ok) throw new Error(registered.error.message);
    // The same client id in both businesses: only the business tells them apart.
    await registerClients(app, [{ clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'o@example.com' }]);
    const happy = { ...app, deps: forBusiness(app.deps, 'happypaws') };
    await registerClients(happy, [{ clientId: 'C1', firstName: 'Noah', lastName: 'Kim', email: 'noah@example.com' }]);
    await giveLogin(happy as TestApp, 'C1', 'noah.kim');
    await givePermanentPassword(happy as TestApp, 'C1', 'noah.kim', strongPassword);
    store = openOidcStore(join(app.dir, 'oidc.sqlite'));
    const http = createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) });
    servers.push(await startHttpServer(http, { port, host: '127.0.0.1' }));
    servers.push(await startHttpServer(http, { port: happyPort, host: '127.0.0.1' }));
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await store.close();
    await app.dispose();
  });

  it("is recorded on that business's stream and timeline only", async () => {
    const happyApp = await addApp(app, 'happypaws', portal);
    const config = await discoverIssuer(happyOrigin, happyApp);
    const { url, checks } = await authorizationRequest(config, portal, { scope: 'openid' });
    const browser = new Browser();
    const toLogin = await browser.follow(url, `${happyOrigin}/login`);
    const returnTo = toLogin.url.searchParams.get('return')!;
    const back = await browser.logInAndReturn(
      happyOrigin,
      returnTo,
      { username: 'noah.kim', password: strongPassword },
      portal,
    );
    const tokens = await client.authorizationCodeGrant(config, back.url, checks);
    expect(tokens.claims()?.sub).toBe('C1');

    const happyEvents = await app.deps.store.readStream(sessionStream('happypaws', 'C1'));
    const signIn = happyEvents.find((event) => event.type === 'ClientSignedInToApp');
    expect(signIn?.data).toEqual({ clientId: 'C1', appId: happyApp.appId, appName: 'Portal', method: 'password' });
    expect(signIn?.metadata.businessId).toBe('happypaws');
    const defaultEvents = await app.deps.store.readStream(sessionStream('default', 'C1'));
    expect(defaultEvents.some((event) => event.type === 'ClientSignedInToApp')).toBe(false);
    const timelineOf = (businessId: string) =>
      app.deps.readModels
        .forBusiness(businessId)
        .timeline.clientTimeline('C1')
        .filter((entry) => entry.type === 'ClientSignedInToApp');
    expect(timelineOf('happypaws')).toHaveLength(1);
    expect(timelineOf('default')).toHaveLength(0);
  });
});
