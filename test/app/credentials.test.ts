import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLogin, changeLoginAccess, issueTempPassword, requestCredentialsEmail } from '../../src/app/logins.ts';
import { changePassword, choosePermanentPassword, signIn } from '../../src/app/sign-in.ts';
import {
  completePasswordReset,
  issueResetLink,
  requestPasswordReset,
  requestUserNameReminder,
} from '../../src/app/recovery.ts';
import { describeLoginStatus } from '../../src/projections/login-status.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';
import { mistype } from '../http/support.ts';

const newPassword = 'correct horse battery staple';

async function allEventsJson(app: TestApp): Promise<string> {
  return JSON.stringify(await app.deps.store.readAll({ after: null, limit: 1_000_000 }));
}

describe('credentials on a real SQLite store', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp();
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
      { clientId: 'C2', firstName: 'Liam', lastName: 'Garcia', email: 'liam@example.com' },
      { clientId: 'C3', firstName: 'Mia', lastName: 'Lopez', email: null },
    ]);
  });
  afterEach(async () => app.dispose());

  const issue = async (clientId = 'C1') => {
    const issued = await issueTempPassword(app.deps, { clientId, delivery: 'shown_to_staff' }, { actor: staff });
    if (!issued.ok) throw new Error(issued.error.message);
    return issued.value.password;
  };

  it('a first login with the temporary password leads to choosing a password, which then signs in', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'Olivia@Example.com' }, { actor: staff });
    const temp = await issue();
    const first = await signIn(app.deps, { userName: 'olivia@example.com', password: temp }, {});
    expect(first).toMatchObject({ ok: true, value: { clientId: 'C1', mustChoosePassword: true } });
    expect(
      await choosePermanentPassword(app.deps, { clientId: 'C1', newPassword: temp }, { actor: staff }),
    ).toMatchObject({ ok: false });
    const chosen = await choosePermanentPassword(
      app.deps,
      { clientId: 'C1', newPassword },
      { actor: { kind: 'client', id: 'C1' } },
    );
    expect(chosen).toMatchObject({ ok: true, value: { sessionVersion: 1 } });
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password: temp }, {})).toMatchObject({ ok: false });
    expect(await signIn(app.deps, { userName: ' OLIVIA@example.com ', password: newPassword }, {})).toMatchObject({
      ok: true,
      value: { mustChoosePassword: false },
    });
    expect(describeLoginStatus(app.deps.readModels.credentials.getCredential('C1'), app.clock.now())).toEqual({
      kind: 'active',
    });
  });

  it('a mistyped temporary password burns it: the right one then fails too', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    const temp = await issue();
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password: mistype(temp) }, {})).toMatchObject({
      ok: false,
    });
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password: temp }, {})).toMatchObject({ ok: false });
    expect(describeLoginStatus(app.deps.readModels.credentials.getCredential('C1'), app.clock.now())).toMatchObject({
      kind: 'temp_burned',
      reason: 'burned_failed_attempt',
    });
  });

  it('a temporary password expires after the configured days', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    const temp = await issue();
    app.clock.advance(7 * 24 * 3600 * 1000);
    expect(describeLoginStatus(app.deps.readModels.credentials.getCredential('C1'), app.clock.now()).kind).toBe(
      'temp_expired',
    );
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password: temp }, {})).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
  });

  it('a temporary password racing against itself signs in exactly once', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    const temp = await issue();
    const results = await Promise.all(
      Array.from({ length: 16 }, () => signIn(app.deps, { userName: 'olivia@example.com', password: temp }, {})),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const events = await app.deps.store.readAll({ after: null, limit: 10_000 });
    expect(events.filter((e) => e.type === 'TempPasswordConsumed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'LoginSucceeded')).toHaveLength(1);
  });

  it('two clients cannot hold one user name, and a released name can be taken', async () => {
    expect(await assignLogin(app.deps, { clientId: 'C1', userName: 'shared.name' }, { actor: staff })).toMatchObject({
      ok: true,
    });
    expect(await assignLogin(app.deps, { clientId: 'C2', userName: 'Shared.Name' }, { actor: staff })).toMatchObject({
      ok: false,
      error: { code: 'user_name_taken' },
    });
    expect(await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia.nguyen' }, { actor: staff })).toMatchObject({
      ok: true,
      value: { changed: true },
    });
    expect(await assignLogin(app.deps, { clientId: 'C2', userName: 'shared.name' }, { actor: staff })).toMatchObject({
      ok: true,
    });
    expect(app.deps.readModels.credentials.findClientIdByUserName('shared.name')).toBe('C2');
  });

  it('invalid user names and unknown clients are refused with a clear message and write nothing', async () => {
    const before = (await app.deps.store.readAll({ after: null, limit: 10_000 })).length;
    expect(await assignLogin(app.deps, { clientId: 'C1', userName: 'abc' }, { actor: staff })).toMatchObject({
      ok: false,
      error: { code: 'invalid_user_name' },
    });
    expect(
      await assignLogin(app.deps, { clientId: 'C1', userName: 'olivіa@example.com' }, { actor: staff }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_user_name' } });
    expect(await assignLogin(app.deps, { clientId: 'NOPE', userName: 'somebody' }, { actor: staff })).toMatchObject({
      ok: false,
      error: { code: 'unknown_client' },
    });
    expect((await app.deps.store.readAll({ after: null, limit: 10_000 })).length).toBe(before);
  });

  it('a retried command id appends nothing new', async () => {
    const requester = { actor: staff, commandId: 'cmd-1' };
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, requester);
    const count = (await app.deps.store.readAll({ after: null, limit: 10_000 })).length;
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, requester);
    await changeLoginAccess(
      app.deps,
      { clientId: 'C1', action: 'revoke-sessions' },
      { actor: staff, commandId: 'cmd-2' },
    );
    await changeLoginAccess(
      app.deps,
      { clientId: 'C1', action: 'revoke-sessions' },
      { actor: staff, commandId: 'cmd-2' },
    );
    expect((await app.deps.store.readAll({ after: null, limit: 10_000 })).length).toBe(count + 1);
  });

  it('throttles after repeated failures, refusing even the right password without hashing, never for good', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    await signIn(app.deps, { userName: 'olivia@example.com', password: await issue() }, {});
    await choosePermanentPassword(app.deps, { clientId: 'C1', newPassword }, { actor: { kind: 'client', id: 'C1' } });
    for (let i = 0; i < 5; i++) await signIn(app.deps, { userName: 'olivia@example.com', password: 'wrong' }, {});
    const throttled = await signIn(app.deps, { userName: 'olivia@example.com', password: newPassword }, {});
    expect(throttled).toMatchObject({ ok: false, error: { code: 'throttled', retryAfterSeconds: 2 } });
    for (let i = 0; i < 10; i++) await signIn(app.deps, { userName: 'olivia@example.com', password: 'wrong' }, {});
    app.clock.advance(2_000);
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password: newPassword }, {})).toMatchObject({
      ok: true,
    });
  });

  it('attempts sent in parallel after a backoff get one guess between them, not one each', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    await signIn(app.deps, { userName: 'olivia@example.com', password: await issue() }, {});
    await choosePermanentPassword(app.deps, { clientId: 'C1', newPassword }, { actor: { kind: 'client', id: 'C1' } });
    for (let i = 0; i < 5; i++) await signIn(app.deps, { userName: 'olivia@example.com', password: 'wrong' }, {});
    app.clock.advance(2_000);
    const before = (await app.deps.store.readAll({ after: null, limit: 10_000 })).length;
    const guesses = [...Array.from({ length: 9 }, (_, i) => `wrong guess ${i}`), newPassword];
    await Promise.all(guesses.map((password) => signIn(app.deps, { userName: 'olivia@example.com', password }, {})));
    const decided = (await app.deps.store.readAll({ after: String(before), limit: 10_000 })).filter(
      (e) =>
        e.type === 'LoginSucceeded' ||
        (e.type === 'LoginFailed' && (e.data as { reason: string }).reason !== 'throttled'),
    );
    expect(decided).toHaveLength(1);
  });

  it('an unknown user name is recorded only as a keyed fingerprint', async () => {
    const typed = 'my-secret-password-in-the-wrong-box';
    expect(await signIn(app.deps, { userName: typed, password: 'x' }, {})).toEqual({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
    const log = await allEventsJson(app);
    expect(log).toContain('UnknownUserNameLoginFailed');
    expect(log).not.toContain(typed);
  });

  it('password reset: same answer for a mismatch, a one-time link for a match, and the old password stops working', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    await requestPasswordReset(app.deps, { identifier: 'wrong@example.com' });
    await requestPasswordReset(app.deps, { identifier: ' Olivia@Example.com ' });
    const events = await app.deps.store.readAll({ after: null, limit: 10_000 });
    const requests = events.filter((e) => e.type === 'PasswordResetRequested');
    expect(requests).toHaveLength(1);
    expect(events.some((e) => e.type === 'PasswordResetRequestUnmatched')).toBe(true);
    const link = await issueResetLink(
      app.deps,
      { clientId: 'C1', requestId: (requests[0]!.data as { requestId: string }).requestId },
      { actor: { kind: 'system', id: 'relay' } },
    );
    if (!link.ok) throw new Error(link.error.message);
    expect(await completePasswordReset(app.deps, { token: link.value.token, newPassword: 'password' })).toMatchObject({
      ok: false,
      error: { code: 'weak_password' },
    });
    expect(await completePasswordReset(app.deps, { token: link.value.token, newPassword })).toMatchObject({
      ok: true,
      value: { clientId: 'C1' },
    });
    expect(
      await completePasswordReset(app.deps, { token: link.value.token, newPassword: `${newPassword}!` }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_reset_link' } });
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password: newPassword }, {})).toMatchObject({
      ok: true,
    });
    expect(await allEventsJson(app)).not.toContain(link.value.token.split('.')[1]);
  });

  it('asking again and again for a reset link sends one per cooldown, with the same answer each time', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    const ask = () => requestPasswordReset(app.deps, { identifier: 'olivia@example.com' });
    for (let i = 0; i < 5; i++) await ask();
    app.clock.advance(120_000);
    await ask();
    const requests = (await app.deps.store.readAll({ after: null, limit: 10_000 })).filter(
      (e) => e.type === 'PasswordResetRequested',
    );
    expect(requests).toHaveLength(2);
  });

  it('a reset link expires after an hour', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    const link = await issueResetLink(
      app.deps,
      { clientId: 'C1', requestId: 'r' },
      { actor: { kind: 'system', id: 'relay' } },
    );
    if (!link.ok) throw new Error(link.error.message);
    app.clock.advance(3600 * 1000);
    expect(await completePasswordReset(app.deps, { token: link.value.token, newPassword })).toMatchObject({
      ok: false,
      error: { code: 'invalid_reset_link' },
    });
  });

  it('changing a password needs the current one and ends earlier sessions', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    await signIn(app.deps, { userName: 'olivia@example.com', password: await issue() }, {});
    await choosePermanentPassword(app.deps, { clientId: 'C1', newPassword }, { actor: { kind: 'client', id: 'C1' } });
    const client = { actor: { kind: 'client', id: 'C1' } as const };
    expect(
      await changePassword(
        app.deps,
        { clientId: 'C1', currentPassword: 'nope', newPassword: 'a whole new passphrase' },
        client,
      ),
    ).toMatchObject({ ok: false, error: { code: 'wrong_current_password' } });
    expect(
      await changePassword(
        app.deps,
        { clientId: 'C1', currentPassword: newPassword, newPassword: 'olivia nguyen rules ok' },
        client,
      ),
    ).toMatchObject({ ok: false, error: { code: 'weak_password' } });
    expect(
      await changePassword(
        app.deps,
        { clientId: 'C1', currentPassword: newPassword, newPassword: 'a whole new passphrase' },
        client,
      ),
    ).toMatchObject({ ok: true, value: { sessionVersion: 2 } });
    expect(app.deps.readModels.credentials.getCredential('C1')?.sessionVersion).toBe(2);
  });

  it('wrong current passwords count toward the throttle like failed logins', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    await signIn(app.deps, { userName: 'olivia@example.com', password: await issue() }, {});
    await choosePermanentPassword(app.deps, { clientId: 'C1', newPassword }, { actor: { kind: 'client', id: 'C1' } });
    const client = { actor: { kind: 'client', id: 'C1' } as const };
    for (let i = 0; i < 5; i++) {
      expect(
        await changePassword(
          app.deps,
          { clientId: 'C1', currentPassword: `guess ${i}`, newPassword: 'a whole new passphrase' },
          client,
        ),
      ).toMatchObject({ ok: false, error: { code: 'wrong_current_password' } });
    }
    expect(
      await changePassword(
        app.deps,
        { clientId: 'C1', currentPassword: newPassword, newPassword: 'a whole new passphrase' },
        client,
      ),
    ).toMatchObject({ ok: false, error: { code: 'throttled' } });
    expect(await signIn(app.deps, { userName: 'olivia@example.com', password: newPassword }, {})).toMatchObject({
      ok: false,
      error: { code: 'throttled' },
    });
  });

  it('user-name reminders go to every login on the email, and the unmatched case leaves only a fingerprint', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    await requestUserNameReminder(app.deps, { email: 'OLIVIA@example.com' });
    await requestUserNameReminder(app.deps, { email: 'nobody@example.com' });
    const log = await allEventsJson(app);
    expect(log).toContain('UserNameReminderRequested');
    expect(log).toContain('UserNameReminderUnmatched');
    expect(log).not.toContain('nobody@example.com');
  });

  it('a credentials email cannot be requested for a client with no email', async () => {
    await assignLogin(app.deps, { clientId: 'C3', userName: 'mia.lopez' }, { actor: staff });
    expect(await requestCredentialsEmail(app.deps, { clientId: 'C3' }, { actor: staff })).toMatchObject({
      ok: false,
      error: { code: 'no_email' },
    });
  });

  it('no plaintext temporary or chosen password ever reaches the log or the read models', async () => {
    await assignLogin(app.deps, { clientId: 'C1', userName: 'olivia@example.com' }, { actor: staff });
    const temp = await issue();
    await signIn(app.deps, { userName: 'olivia@example.com', password: temp }, {});
    await choosePermanentPassword(app.deps, { clientId: 'C1', newPassword }, { actor: { kind: 'client', id: 'C1' } });
    const log = await allEventsJson(app);
    const readModels =
      JSON.stringify(app.deps.readModels.db.prepare('SELECT * FROM credentials').all()) +
      JSON.stringify(app.deps.readModels.db.prepare('SELECT * FROM timeline').all());
    for (const secret of [temp, newPassword]) {
      expect(log).not.toContain(secret);
      expect(readModels).not.toContain(secret);
    }
    expect(readModels).not.toContain('scrypt');
  });
});
