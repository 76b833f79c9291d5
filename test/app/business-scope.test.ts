import { afterEach, describe, expect, it } from 'vitest';
import { forBusiness } from '../../src/app/business-scope.ts';
import { changeBusinessSettings, defaultBusinessSettings, registerBusiness } from '../../src/app/businesses.ts';
import { createTestApp, staff, type TestApp } from '../support/app.ts';

let app: TestApp;
afterEach(async () => app.dispose());

async function withHappyPaws() {
  app = await createTestApp({ PUBLIC_ORIGIN: 'http://localhost:3000', TEMP_PASSWORD_TTL_DAYS: '7' });
  const defaults = defaultBusinessSettings(app.config);
  const registered = await registerBusiness(
    app.deps,
    {
      businessId: 'happypaws',
      settings: {
        ...defaults,
        name: 'Happy Paws',
        publicOrigin: 'http://happypaws.localhost:3000',
        tempPasswordTtlDays: 3,
        tempPasswordMaxFailures: 2,
        passwordMinLength: 20,
        recoveryCooldownSeconds: 600,
      },
    },
    defaults,
    { actor: staff },
  );
  if (!registered.ok) throw new Error(registered.error.message);
  return defaults;
}

describe('forBusiness', () => {
  it("gives a business its own id, rules and read models, over the deployment's other rules", async () => {
    await withHappyPaws();
    const happy = forBusiness(app.deps, 'happypaws');
    expect(happy.businessId).toBe('happypaws');
    expect(happy.readModels.businessId).toBe('happypaws');
    expect(happy.settings).toMatchObject({
      businessName: 'Happy Paws',
      tempPasswordTtlSeconds: 3 * 86_400,
      recoveryEmailCooldownSeconds: 600,
      passwordPolicy: { minLength: 20 },
      loginRules: { tempPasswordMaxFailures: 2 },
    });
    expect(happy.settings.resetLinkTtlSeconds).toBe(app.deps.settings.resetLinkTtlSeconds);
    expect(happy.suspended).toBe(false);
  });

  it("keeps the default business on the environment's rules until its settings are recorded", async () => {
    const defaults = await withHappyPaws();
    expect(forBusiness(app.deps, 'default')).toBe(app.deps);
    expect(app.deps.settings.tempPasswordTtlSeconds).toBe(7 * 86_400);
    const changed = await changeBusinessSettings(app.deps, 'default', { passwordMinLength: 16 }, defaults, {
      actor: staff,
    });
    expect(changed.ok).toBe(true);
    expect(forBusiness(app.deps, 'default').settings.passwordPolicy.minLength).toBe(16);
  });

  it('rebuilds a scope when the settings change, and keeps it while they do not', async () => {
    const defaults = await withHappyPaws();
    const before = forBusiness(app.deps, 'happypaws');
    expect(forBusiness(app.deps, 'happypaws').settings).toBe(before.settings);
    await changeBusinessSettings(app.deps, 'happypaws', { passwordMinLength: 12 }, defaults, { actor: staff });
    expect(forBusiness(app.deps, 'happypaws').settings.passwordPolicy.minLength).toBe(12);
  });

  it('refuses a business that was never registered', async () => {
    await withHappyPaws();
    expect(() => forBusiness(app.deps, 'nosuch')).toThrow('there is no business nosuch');
  });
});
