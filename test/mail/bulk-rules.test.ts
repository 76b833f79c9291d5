import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendEmailAlert } from '../../src/app/email-alerts.ts';
import { provisionAll } from '../../src/app/provision.ts';
import { registerClients, staff, type TestApp } from '../support/app.ts';
import { runCli } from '../support/cli.ts';
import { createMailTestApp } from './support.ts';

describe('who bulk credentials emails leave out', () => {
  let app: TestApp;
  // C-1…C-3 have logins and never logged in; C-4 and C-5 have none; C-5 is inactive in the import.
  beforeEach(async () => {
    app = await createMailTestApp();
    await registerClients(app, [
      { clientId: 'C-4', firstName: 'Ava', lastName: 'Brooks', email: 'ava.brooks@example.com' },
      { clientId: 'C-5', firstName: 'Noah', lastName: 'Kim', email: 'noah.kim@example.com', active: false },
    ]);
  });
  afterEach(() => app.dispose());

  const requested = async (clientId: string) =>
    (await app.deps.store.readStream(`credential-${clientId}`)).filter(
      (event) => event.type === 'CredentialsEmailRequested',
    ).length;

  it('an Email Alert run twice emails nobody twice within the cooldown, and says why', async () => {
    const first = await sendEmailAlert(app.deps, { group: 'never-logged-in' }, { actor: staff });
    expect(first).toMatchObject({ ok: true, value: { total: 3 } });
    app.clock.advance(23 * 3600 * 1000);

    const again = await sendEmailAlert(app.deps, { group: 'ids', clientIds: ['C-1', 'C-2', 'C-4'] }, { actor: staff });
    // C-4 has no login yet, so it is provisioned and emailed; C-1 and C-2 were emailed 23 hours ago.
    expect(again).toMatchObject({
      ok: true,
      value: { total: 1, leftOut: { recentlyEmailed: ['C-1', 'C-2'], inactive: [], suppressed: [] } },
    });
    expect([await requested('C-1'), await requested('C-2'), await requested('C-4')]).toEqual([1, 1, 1]);

    const allRecent = await sendEmailAlert(app.deps, { group: 'ids', clientIds: ['C-1'] }, { actor: staff });
    expect(allRecent).toMatchObject({
      ok: false,
      error: { code: 'no_clients', message: expect.stringContaining('1 sent credentials in the last 24 hours') },
    });

    const forced = await sendEmailAlert(app.deps, { group: 'ids', clientIds: ['C-1'], force: true }, { actor: staff });
    expect(forced).toMatchObject({ ok: true, value: { total: 1 } });
    app.clock.advance(2 * 3600 * 1000);
    const later = await sendEmailAlert(app.deps, { group: 'ids', clientIds: ['C-2'] }, { actor: staff });
    expect(later).toMatchObject({ ok: true, value: { total: 1 } });
    expect([await requested('C-1'), await requested('C-2')]).toEqual([2, 2]);
  });

  it('inactive clients are left out of provisioning and alerts unless named by id', async () => {
    const provisioned = await provisionAll(app.deps, { sendEmail: true }, { actor: staff });
    expect(provisioned.leftOut).toEqual({ inactive: ['C-5'], recentlyEmailed: [], suppressed: [] });
    expect(provisioned.tally.succeeded).toBe(1);
    expect(app.deps.readModels.credentials.getCredential('C-5')).toBeNull();

    const byGroup = await sendEmailAlert(app.deps, { group: 'no-login' }, { actor: staff });
    expect(byGroup).toMatchObject({ ok: false, error: { message: expect.stringContaining('1 inactive') } });
    const named = await sendEmailAlert(app.deps, { group: 'ids', clientIds: ['C-5'] }, { actor: staff });
    expect(named).toMatchObject({ ok: true, value: { total: 1, tally: { succeeded: 1 } } });
    expect(await requested('C-5')).toBe(1);
  });

  it('the command line says how many were left out and why, and --force sends anyway', async () => {
    const env = { LATCHKEY_DATA_DIR: app.dir, PUBLIC_ORIGIN: 'https://portal.happypaws.example' };
    const first = await runCli(['mail', 'alert', '--group', 'ids', '--ids', 'C-1,C-2,C-5'], env);
    expect(first.stdout).toContain('3 emails requested');
    const second = await runCli(['mail', 'alert', '--group', 'ids', '--ids', 'C-1,C-3'], env);
    expect(second.stdout).toContain('1 emails requested');
    expect(second.stdout).toContain('1 left out: 1 sent credentials in the last 24 hours (force to send again).');
    const forced = await runCli(['mail', 'alert', '--group', 'ids', '--ids', 'C-1', '--force'], env);
    expect(forced).toMatchObject({ code: 0 });
    expect(forced.stdout).toContain('1 emails requested');
    expect(await requested('C-1')).toBe(2);
    // Each command is a fresh Node process: slow to start on a busy machine.
  }, 120_000);
});
