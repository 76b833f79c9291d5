import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendEmailAlert } from '../../src/app/email-alerts.ts';
import { changeLoginAccess, issueTempPassword } from '../../src/app/logins.ts';
import { signIn } from '../../src/app/sign-in.ts';
import { createOutboxTransport } from '../../src/mail/outbox.ts';
import { startMailRelay } from '../../src/mail/relay.ts';
import { registerClients, staff, type TestApp } from '../support/app.ts';
import { runCli } from '../support/cli.ts';
import { createMailTestApp, everyEventAsJson, outboxMessages, tempPasswordIn } from './support.ts';

describe('Email Alerts', () => {
  let app: TestApp;

  // C-1 never logged in; C-2 has logged in; C-3 is disabled; C-4 has no login; C-5 has no email.
  beforeEach(async () => {
    app = await createMailTestApp();
    await registerClients(app, [
      { clientId: 'C-4', firstName: 'Ava', lastName: 'Brooks', email: 'ava.brooks@example.com' },
      { clientId: 'C-5', firstName: 'Noah', lastName: 'Kim', email: null },
    ]);
    const issued = await issueTempPassword(app.deps, { clientId: 'C-2', delivery: 'shown_to_staff' }, { actor: staff });
    if (!issued.ok) throw new Error(issued.error.message);
    expect(
      (await signIn(app.deps, { userName: 'marcus.bell@example.com', password: issued.value.password }, {})).ok,
    ).toBe(true);
    await changeLoginAccess(app.deps, { clientId: 'C-3', action: 'disable' }, { actor: staff });
  });
  afterEach(() => app.dispose());

  const requestsFor = async (clientId: string) =>
    (await app.deps.store.readStream(`credential-${clientId}`))
      .filter((event) => event.type === 'CredentialsEmailRequested')
      .map((event) => event.data);

  it('"never logged in" requests the credentials email for enabled logins that never signed in, as a tracked batch', async () => {
    const progress: number[] = [];
    const result = await sendEmailAlert(
      app.deps,
      { group: 'never-logged-in', onProgress: (tally, total) => void progress.push(tally.done, total) },
      { actor: staff },
    );

    expect(result).toMatchObject({
      ok: true,
      value: { total: 1, tally: { done: 1, succeeded: 1, skipped: 0, failed: 0 } },
    });
    const { batchId } = (result as { value: { batchId: string } }).value;
    expect(await requestsFor('C-1')).toEqual([{ clientId: 'C-1', requestId: `${batchId}:email:C-1`, batchId }]);
    expect(await requestsFor('C-2')).toEqual([]);
    expect(await requestsFor('C-3')).toEqual([]);
    expect(progress).toEqual([1, 1]);
    expect(app.deps.readModels.batches.getBatch(batchId)).toMatchObject({
      kind: 'email_alert',
      status: 'completed',
      total: 1,
      succeeded: 1,
    });
  });

  it('"no login" gives each client with an email a login (user name = email) first', async () => {
    const result = await sendEmailAlert(app.deps, { group: 'no-login' }, { actor: staff });

    expect(result).toMatchObject({ ok: true, value: { total: 1, tally: { succeeded: 1 } } });
    expect(app.deps.readModels.credentials.getCredential('C-4')?.userName).toBe('ava.brooks@example.com');
    expect(await requestsFor('C-4')).toHaveLength(1);
    expect(app.deps.readModels.credentials.getCredential('C-5')).toBeNull();
  });

  it('a list of ids skips clients with no email or a disabled login', async () => {
    const result = await sendEmailAlert(
      app.deps,
      { group: 'ids', clientIds: ['C-1', 'C-5', 'C-3', 'C-1'] },
      { actor: staff },
    );
    expect(result).toMatchObject({ ok: true, value: { total: 3, tally: { succeeded: 1, skipped: 2, failed: 0 } } });
    expect(await requestsFor('C-1')).toHaveLength(1);
  });

  it('an unknown id refuses the whole alert and changes nothing', async () => {
    const before = await everyEventAsJson(app.deps.store);
    const result = await sendEmailAlert(app.deps, { group: 'ids', clientIds: ['C-1', 'C-404'] }, { actor: staff });
    expect(result).toEqual({
      ok: false,
      error: { code: 'unknown_client', message: 'There is no client C-404. Nothing was sent.' },
    });
    expect(await everyEventAsJson(app.deps.store)).toBe(before);
  });

  it('resuming an alert that already ran requests nothing twice', async () => {
    const first = await sendEmailAlert(app.deps, { group: 'never-logged-in' }, { actor: staff });
    const batchId = first.ok ? first.value.batchId : '';
    const resumed = await sendEmailAlert(app.deps, { group: 'never-logged-in', batchId }, { actor: staff });
    expect(resumed).toMatchObject({ ok: true, value: { batchId, total: 1 } });
    expect(await requestsFor('C-1')).toHaveLength(1);
  });

  it('the relay mails each client of the alert a temporary password that signs in', async () => {
    await sendEmailAlert(app.deps, { group: 'no-login' }, { actor: staff });
    const relay = startMailRelay(
      app,
      createOutboxTransport({ dir: app.config.mail.outboxDir, from: app.config.mail.from, replyTo: null }),
      { pollIntervalMs: 20 },
    );
    await relay.drain();
    await relay.stop();

    const [message] = outboxMessages(app);
    expect(message?.to).toBe('ava.brooks@example.com');
    const signedIn = await signIn(
      app.deps,
      { userName: 'ava.brooks@example.com', password: tempPasswordIn(message!.text) },
      {},
    );
    expect(signedIn.ok).toBe(true);
  });

  it('`latchkey mail alert` and `latchkey mail preview` work from the command line', async () => {
    const env = { LATCHKEY_DATA_DIR: app.dir, PUBLIC_ORIGIN: 'https://portal.happypaws.example' };
    const alert = await runCli(['mail', 'alert', '--group', 'ids', '--ids', 'C-1,C-4'], env);
    expect(alert.stdout).toMatch(/^Email Alert [0-9a-f-]{36}: 2 emails requested, 0 skipped, 0 failed\.$/m);
    expect(alert.stderr).toContain('requesting emails: 2/2');
    expect(alert.code).toBe(0);

    const missingIds = await runCli(['mail', 'alert', '--group', 'ids'], env);
    expect(missingIds).toMatchObject({ code: 1, stderr: 'latchkey: --group ids needs --ids C1,C2\n' });

    const preview = await runCli(['mail', 'preview', 'password-reset', '--client', 'C-2'], env);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(
      'To:      marcus.bell@example.com\nSubject: Reset your Happy Paws Pet Sitting password',
    );
    expect(preview.stdout).toContain('Hello Marcus,');
    expect(preview.stdout).toContain('https://portal.happypaws.example/reset/SAMPLE-LINK-NOT-VALID');
  });
});
