import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appAccessAsOf } from '../../src/app/app-access-audit.ts';
import { credentialStateAsOf } from '../../src/app/audit.ts';
import { defaultBusinessSettings, registerBusiness } from '../../src/app/businesses.ts';
import { recordAppSignIn } from '../../src/app/client-sessions.ts';
import { changeLoginAccess } from '../../src/app/logins.ts';
import { removeOidcApp } from '../../src/oidc/apps.ts';
import { giveLogin, givePermanentPassword, giveTempPassword, strongPassword } from '../http/support.ts';
import { addApp } from '../oidc/support.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';

/** "Which apps could she sign in to then, and with what", replayed from a real SQLite log. */
describe('apps as of an instant', () => {
  let app: TestApp;
  const hourMs = 3_600_000;
  const at = (hours: number) => new Date(Date.parse('2026-03-03T14:00:00.000Z') + hours * hourMs);
  const accessAt = async (hours: number, clientId = 'C1') => {
    const instant = at(hours);
    const state = await credentialStateAsOf(app.deps.store, 'default', clientId, instant);
    return appAccessAsOf(app.deps.store, 'default', state, instant);
  };

  beforeEach(async () => {
    app = await createTestApp();
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
      { clientId: 'C2', firstName: 'Liam', lastName: 'Park', email: 'liam@example.com' },
    ]);
  });
  afterEach(() => app.dispose());

  it("lists the business's apps registered by then and not yet removed, never another business's", async () => {
    const defaults = defaultBusinessSettings(app.config);
    const happy = await registerBusiness(
      app.deps,
      {
        businessId: 'happypaws',
        settings: {
          ...defaults,
          name: 'Happy Paws',
          publicOrigin: 'http://happy.localhost',
          logoUrl: null,
          contact: null,
        },
      },
      defaults,
      { actor: staff },
    );
    expect(happy.ok).toBe(true);
    const first = await addApp(app, 'default', 'http://localhost:4999/callback');
    await addApp(app, 'happypaws', 'http://localhost:4997/callback');
    app.clock.set(at(2));
    const second = await addApp(app, 'default', 'http://localhost:4998/callback');
    app.clock.set(at(4));
    await removeOidcApp(app.deps, 'default', first.appId, { actor: staff });

    expect((await accessAt(1)).apps.map((a) => a.appId)).toEqual([first.appId]);
    expect((await accessAt(3)).apps.map((a) => a.appId).sort()).toEqual([first.appId, second.appId].sort());
    expect((await accessAt(5)).apps.map((a) => a.appId)).toEqual([second.appId]);
    expect((await accessAt(-1)).apps).toEqual([]);
    expect((await accessAt(1)).apps[0]).toMatchObject({ name: 'Portal', registeredBy: staff });
  });

  it('says what she could open them with: none, a temporary password, her password, disabled', async () => {
    await addApp(app, 'default', 'http://localhost:4999/callback');
    await giveLogin(app, 'C1', 'olivia');
    app.clock.set(at(1));
    await giveTempPassword(app, 'C1');
    app.clock.set(at(2));
    await giveLogin(app, 'C2', 'liam.park');
    await givePermanentPassword(app, 'C2', 'liam.park', strongPassword);
    app.clock.set(at(3));
    await changeLoginAccess(app.deps, { clientId: 'C2', action: 'disable' }, { actor: staff });

    expect((await accessAt(0.5)).signInWith).toBe('none');
    expect((await accessAt(1.5)).signInWith).toBe('temporary password');
    expect((await accessAt(2.5, 'C2')).signInWith).toBe('password');
    expect((await accessAt(3.5, 'C2')).signInWith).toBe('disabled');
  });

  it('gives her latest sign-in to each app before the instant, not after', async () => {
    const portal = await addApp(app, 'default', 'http://localhost:4999/callback');
    await recordAppSignIn(app.deps, { clientId: 'C1', appId: portal.appId, method: 'password' });
    app.clock.set(at(1));
    await recordAppSignIn(app.deps, { clientId: 'C1', appId: portal.appId, method: 'single sign-on' });
    app.clock.set(at(2));
    await recordAppSignIn(app.deps, { clientId: 'C1', appId: portal.appId, method: 'password reset' });

    expect((await accessAt(1.5)).lastSignIns).toEqual([
      { appId: portal.appId, appName: 'Portal', method: 'single sign-on', at: at(1).toISOString() },
    ]);
    expect((await accessAt(-1)).lastSignIns).toEqual([]);
    expect((await accessAt(1.5, 'C2')).lastSignIns).toEqual([]);
  });
});
