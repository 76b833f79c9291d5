import { afterEach, describe, expect, it } from 'vitest';
import { assignLogin, issueTempPassword } from '../../src/app/logins.ts';
import { choosePermanentPassword, signIn } from '../../src/app/sign-in.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';

const password = 'correct horse battery staple';

describe('LOGIN_BACKOFF_BASE_SECONDS', () => {
  let app: TestApp;
  afterEach(async () => app.dispose());

  it('sets the first wait after the free failures', async () => {
    app = await createTestApp({ LOGIN_FREE_FAILURES: '2', LOGIN_BACKOFF_BASE_SECONDS: '60' });
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
    ]);
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    const issued = await issueTempPassword(app.deps, { clientId: 'C1', delivery: 'shown_to_staff' }, { actor: staff });
    if (!issued.ok) throw new Error(issued.error.message);
    await signIn(app.deps, { userName: 'olivia@example.com', password: issued.value.password }, {});
    await choosePermanentPassword(
      app.deps,
      { clientId: 'C1', newPassword: password },
      { actor: { kind: 'client', id: 'C1' } },
    );
    for (let i = 0; i < 2; i++) await signIn(app.deps, { userName: 'olivia@example.com', password: 'wrong' }, {});

    expect(await signIn(app.deps, { userName: 'olivia@example.com', password }, {})).toMatchObject({
      ok: false,
      error: { code: 'throttled', retryAfterSeconds: 60 },
    });
    app.clock.advance(59_000);
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password }, {})).toMatchObject({
      ok: false,
      error: { code: 'throttled' },
    });
    app.clock.advance(1_000);
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password }, {})).toMatchObject({ ok: true });
  });

  it('is refused outside 1 to 900 seconds, by name', () => {
    for (const value of ['0', '901', 'soon']) {
      expect(() => loadConfig({ LATCHKEY_DATA_DIR: '/tmp', LOGIN_BACKOFF_BASE_SECONDS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ LATCHKEY_DATA_DIR: '/tmp', LOGIN_BACKOFF_BASE_SECONDS: value })).toThrow(
        'LOGIN_BACKOFF_BASE_SECONDS',
      );
    }
  });
});
