import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assignLogin, changeLoginAccess, requestCredentialsEmail } from '../../src/app/logins.ts';
import { checkResetToken, requestPasswordReset, requestUserNameReminder } from '../../src/app/recovery.ts';
import { choosePermanentPassword, signIn } from '../../src/app/sign-in.ts';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { createOutboxTransport } from '../../src/mail/outbox.ts';
import { startMailRelay, type MailRelay, type MailRelayOptions } from '../../src/mail/relay.ts';
import type { MailTransport } from '../../src/mail/transport.ts';
import { registerClients, staff, type TestApp } from '../support/app.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import {
  createMailTestApp,
  everyEventAsJson,
  filesHolding,
  mailEvents,
  outboxMessages,
  publicOrigin,
  tempPasswordIn,
} from './support.ts';

/** Retries a millisecond apart, so a test sees several attempts without waiting. */
const quickRetries = { firstDelaySeconds: 0.001, maxDelaySeconds: 0.001 };

describe('the mail relay', () => {
  let app: TestApp;
  let relays: MailRelay[];

  beforeEach(async () => {
    app = await createMailTestApp();
    relays = [];
  });
  afterEach(async () => {
    for (const relay of relays) await relay.stop();
    await app.dispose();
  });

  const outbox = (): MailTransport =>
    createOutboxTransport({ dir: app.config.mail.outboxDir, from: app.config.mail.from, replyTo: null });
  function startRelay(transport: MailTransport = outbox(), options: MailRelayOptions = {}): MailRelay {
    const relay = startMailRelay(app, transport, { pollIntervalMs: 20, retryPolicy: quickRetries, ...options });
    relays.push(relay);
    return relay;
  }
  async function runRelayOnce(transport?: MailTransport, options?: MailRelayOptions): Promise<void> {
    const relay = startRelay(transport, options);
    await relay.drain();
    await relay.stop();
    await app.deps.projections.catchUp();
  }
  const credentialEventTypes = async (clientId: string) =>
    (await app.deps.store.readStream(`credential-${clientId}`)).map((event) => event.type);

  it('emails the user name and a temporary password that signs in, and keeps the password nowhere else', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await runRelayOnce();

    const [message, ...others] = outboxMessages(app);
    expect(others).toEqual([]);
    expect(message!.to).toBe('olivia.nguyen@example.com');
    expect(message!.subject).toBe('Your Happy Paws Pet Sitting client portal login');
    expect(message!.text).toMatch(/User name: +olivia\.nguyen@example\.com/);
    expect(message!.text).toContain(`Log in here: ${publicOrigin}/login?username=olivia.nguyen%40example.com\n`);
    expect(message!.text).toContain('stops working\nafter one mistyped attempt');
    expect(message!.text).toContain('call 555-0100');
    expect(message!.html).toContain(`href="${publicOrigin}/login?username=olivia.nguyen%40example.com"`);
    const password = tempPasswordIn(message!.text);
    expect(message!.html).toContain(password);

    expect(await everyEventAsJson(app.deps.store)).not.toContain(password);
    expect(filesHolding(app.dir, password)).toEqual([]);

    const signedIn = await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password }, {});
    expect(signedIn.ok && signedIn.value.mustChoosePassword).toBe(true);
  });

  it('records EmailSent with the provider message id, and the credential card shows it', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await runRelayOnce();
    const [message] = outboxMessages(app);
    const [request] = (await app.deps.store.readStream('credential-C-1')).filter(
      (event) => event.type === 'CredentialsEmailRequested',
    );
    expect(await mailEvents(app.deps.store, 'C-1')).toEqual([
      {
        type: 'EmailSent',
        data: {
          clientId: 'C-1',
          requestEventId: request!.id,
          template: 'client-login-credentials',
          to: 'olivia.nguyen@example.com',
          providerMessageId: message!.providerMessageId,
        },
      },
    ]);
    expect(message!.variables).toEqual({
      'business-id': 'default',
      'client-id': 'C-1',
      'request-event-id': request!.id,
      template: 'client-login-credentials',
    });
    expect(app.deps.readModels.credentials.getCredential('C-1')).toMatchObject({
      lastEmailState: 'sent',
      lastEmailAt: app.clock.now().toISOString(),
    });
    expect(app.deps.readModels.mail.clientMailHistory('C-1')).toMatchObject([
      { requestEventId: request!.id, state: 'sent', providerMessageId: message!.providerMessageId },
    ]);
  });

  it('a fresh relay with no checkpoint on a log it already handled sends nothing', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await requestCredentialsEmail(app.deps, { clientId: 'C-2' }, { actor: staff });
    await runRelayOnce();
    expect(outboxMessages(app)).toHaveLength(2);
    const logBefore = await everyEventAsJson(app.deps.store);

    await runRelayOnce(outbox(), { checkpointFile: join(app.dir, 'brand-new-checkpoint.json') });
    await runRelayOnce();

    expect(outboxMessages(app)).toHaveLength(2);
    expect(await everyEventAsJson(app.deps.store)).toBe(logBefore);
  });

  it('a request older than the maximum age is recorded as not sent, and no password is minted for it', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    app.clock.advance(25 * 3600 * 1000);
    await runRelayOnce(outbox(), { checkpointFile: join(app.dir, 'brand-new-checkpoint.json') });

    expect(outboxMessages(app)).toEqual([]);
    expect(await mailEvents(app.deps.store, 'C-1')).toMatchObject([
      {
        type: 'EmailSendFailed',
        data: { permanent: true, reason: expect.stringMatching(/^not sent: requested more than 24 hours/) },
      },
    ]);
    expect(await credentialEventTypes('C-1')).not.toContain('TempPasswordIssued');
    expect(app.deps.readModels.credentials.getCredential('C-1')?.lastEmailState).toBe('failed');
  });

  it('a login disabled before its email went out gets a recorded failure, not a password', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-3' }, { actor: staff });
    await changeLoginAccess(app.deps, { clientId: 'C-3', action: 'disable' }, { actor: staff });
    await runRelayOnce();

    expect(outboxMessages(app)).toEqual([]);
    expect(await mailEvents(app.deps.store, 'C-3')).toMatchObject([
      { type: 'EmailSendFailed', data: { permanent: true, reason: expect.stringContaining('disabled') } },
    ]);
    expect(await credentialEventTypes('C-3')).not.toContain('TempPasswordIssued');
  });

  it('of two credentials emails to one client, the later one carries the password that works', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await runRelayOnce();

    const [first, second] = outboxMessages(app).map((message) => tempPasswordIn(message.text));
    expect(first).not.toBe(second);
    expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password: second! }, {})).ok).toBe(true);
    expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password: first! }, {})).ok).toBe(false);
  });

  it('a password reset request mails a one-hour link that opens the reset form', async () => {
    await requestPasswordReset(app.deps, { identifier: 'marcus.bell@example.com' });
    await runRelayOnce();

    const [message] = outboxMessages(app);
    expect(message!.subject).toBe('Reset your Happy Paws Pet Sitting password');
    expect(message!.text).toContain('for 1 hour');
    const token = new RegExp(`${publicOrigin}/reset/(\\S+)`).exec(message!.text)?.[1];
    expect(await checkResetToken(app.deps, token!)).toEqual({
      ok: true,
      value: { clientId: 'C-2', userName: 'marcus.bell@example.com' },
    });
    expect(await everyEventAsJson(app.deps.store)).not.toContain(token!.split('.')[1]);
    expect(filesHolding(app.dir, token!.split('.')[1]!)).toEqual([]);
  });

  it('a forgotten user name reaches a shared inbox once, listing every user name on it', async () => {
    await registerClients(app, [
      { clientId: 'C-4', firstName: 'Sam', lastName: 'Nguyen', email: 'olivia.nguyen@example.com' },
    ]);
    await assignLogin(app.deps, { clientId: 'C-4', userName: 'sam.nguyen' }, { actor: staff });
    await requestUserNameReminder(app.deps, { email: 'Olivia.Nguyen@example.com' });
    await runRelayOnce();

    const messages = outboxMessages(app);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.to).toBe('olivia.nguyen@example.com');
    expect(messages[0]!.text).toContain('    olivia.nguyen@example.com\n    sam.nguyen\n');
    const sentTo = async (clientId: string) =>
      (await mailEvents(app.deps.store, clientId)).map((event) => event.data.providerMessageId);
    expect(await sentTo('C-1')).toEqual([messages[0]!.providerMessageId]);
    expect(await sentTo('C-4')).toEqual([messages[0]!.providerMessageId]);
  });

  it('sends the password-changed notice after the client chooses a password', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-2' }, { actor: staff });
    await runRelayOnce();
    const password = tempPasswordIn(outboxMessages(app)[0]!.text);
    expect((await signIn(app.deps, { userName: 'marcus.bell@example.com', password }, {})).ok).toBe(true);
    const chosen = await choosePermanentPassword(
      app.deps,
      { clientId: 'C-2', newPassword: 'copper kettle whistles at dawn' },
      { actor: { kind: 'client', id: 'C-2' } },
    );
    expect(chosen.ok).toBe(true);
    await runRelayOnce();

    const notice = outboxMessages(app)[1]!;
    expect(notice.subject).toBe('Your Happy Paws Pet Sitting password was changed');
    expect(notice.text).toMatch(/marcus\.bell@example\.com, was changed on\s+Tuesday, March 3, 2026 at 2:00 PM UTC/);
    expect(notice.text).not.toContain('copper kettle');
  });

  it('sends the new-sign-in notice, naming the device family, after a password login from a new device', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-2' }, { actor: staff });
    await runRelayOnce();
    const password = tempPasswordIn(outboxMessages(app)[0]!.text);
    const firefox = { browser: 'Firefox', os: 'Windows' };
    await signIn(app.deps, { userName: 'marcus.bell@example.com', password, deviceFamily: firefox }, {});
    const chosen = await choosePermanentPassword(
      app.deps,
      { clientId: 'C-2', newPassword: 'copper kettle whistles at dawn' },
      { actor: { kind: 'client', id: 'C-2' } },
    );
    expect(chosen.ok).toBe(true);
    const signedIn = await signIn(
      app.deps,
      { userName: 'marcus.bell@example.com', password: 'copper kettle whistles at dawn', deviceFamily: firefox },
      {},
    );
    expect(signedIn.ok).toBe(true);
    await runRelayOnce();

    const subjects = outboxMessages(app).map((message) => message.subject);
    // The temporary password's own login sent no notice: only the later one from a new device did.
    expect(subjects.filter((subject) => subject.startsWith('New sign-in'))).toHaveLength(1);
    const notice = outboxMessages(app).find((message) => message.subject.startsWith('New sign-in'))!;
    expect(notice.subject).toBe('New sign-in to your Happy Paws Pet Sitting account');
    expect(notice.text).toMatch(/marcus\.bell@example\.com, on\s+Tuesday, March 3, 2026 at 2:00 PM UTC/);
    expect(notice.text).toContain('Firefox on Windows');
    expect(notice.html).toContain('<strong>Firefox on Windows</strong>');
  });

  describe('through Mailgun', () => {
    let fake: FakeMailgun;
    beforeEach(async () => {
      fake = await startFakeMailgun();
    });
    afterEach(() => fake.close());
    const mailgun = () =>
      createMailgunTransport({
        apiKey: 'key-test-123456',
        domain: 'mg.example.com',
        url: fake.url,
        from: app.config.mail.from,
        replyTo: null,
      });

    it('retries a transient failure on a schedule and records the email once it goes through', async () => {
      fake.failNext({ status: 503, body: { message: 'busy' } }, { status: 503, body: { message: 'busy' } });
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      startRelay(mailgun());
      await vi.waitFor(() => expect(fake.messages).toHaveLength(1));
      await vi.waitFor(async () =>
        expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toEqual([
          'EmailSendDeferred',
          'EmailSendDeferred',
          'EmailSent',
        ]),
      );

      expect(fake.requestCount()).toBe(3);
      expect(fake.messages[0]!.tags).toEqual(['latchkey', 'client-login-credentials']);
      const [first, second, sent] = await mailEvents(app.deps.store, 'C-1');
      expect(first!.data).toMatchObject({ attempt: 1, reason: expect.stringContaining('503') });
      expect(second!.data).toMatchObject({ attempt: 2 });
      expect(sent!.data).toMatchObject({ providerMessageId: fake.messages[0]!.messageId });
      const password = tempPasswordIn(fake.messages[0]!.text);
      expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password }, {})).ok).toBe(true);
    });

    it('a reset asked for while another email is being retried reaches Mailgun at once', async () => {
      // Olivia's mail keeps failing; her next try is a minute away, as on a real outage.
      fake.failWhen((message) =>
        message.to === 'olivia.nguyen@example.com' ? { status: 503, body: { message: 'busy' } } : null,
      );
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      startRelay(mailgun(), { retryPolicy: { firstDelaySeconds: 60, maxDelaySeconds: 60 } });
      await vi.waitFor(async () =>
        expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toEqual(['EmailSendDeferred']),
      );

      const askedAt = Date.now();
      await requestPasswordReset(app.deps, { identifier: 'marcus.bell@example.com' });
      await vi.waitFor(() => expect(fake.messages.map((message) => message.to)).toEqual(['marcus.bell@example.com']), {
        timeout: 5_000,
      });
      // A correctness bound, not a benchmark: before retries were scheduled this took about 50 s.
      expect(Date.now() - askedAt).toBeLessThan(2_000);
      expect(await mailEvents(app.deps.store, 'C-1')).toHaveLength(1);
    });

    it("honours Mailgun's Retry-After: the next try is recorded no sooner than it asked", async () => {
      fake.failNext({ status: 429, body: { message: 'rate limited' }, headers: { 'Retry-After': '600' } });
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      startRelay(mailgun(), { retryPolicy: { firstDelaySeconds: 1, maxDelaySeconds: 1 } });
      await vi.waitFor(async () => expect(await mailEvents(app.deps.store, 'C-1')).toHaveLength(1));
      const [deferred] = await app.deps.store.readStream('mail-C-1');
      const waitSeconds =
        (Date.parse((deferred!.data as { retryAt: string }).retryAt) - app.clock.now().getTime()) / 1000;
      expect(deferred!.type).toBe('EmailSendDeferred');
      expect(waitSeconds).toBeGreaterThanOrEqual(600);
      await app.deps.projections.catchUp();
      expect(app.deps.readModels.mail.latestEmail('C-1')).toMatchObject({
        state: 'retrying',
        failedAttempts: 1,
        nextAttemptAt: (deferred!.data as { retryAt: string }).retryAt,
      });
    });

    it('records a permanent failure without retrying it', async () => {
      fake.failNext({ status: 400, body: { message: "'to' parameter is not a valid address" } });
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      await runRelayOnce(mailgun());

      expect(fake.requestCount()).toBe(1);
      expect(await mailEvents(app.deps.store, 'C-1')).toMatchObject([
        { type: 'EmailSendFailed', data: { permanent: true, reason: expect.stringContaining('not a valid address') } },
      ]);
      expect(app.deps.readModels.credentials.getCredential('C-1')?.lastEmailState).toBe('failed');
    });

    it('the retry schedule is in the log: a restarted relay sends when the recorded time comes', async () => {
      fake.failNext({ status: 503, body: { message: 'busy' } });
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      const first = startRelay(mailgun(), { retryPolicy: { firstDelaySeconds: 600, maxDelaySeconds: 600 } });
      await vi.waitFor(async () => expect(await mailEvents(app.deps.store, 'C-1')).toHaveLength(1));
      await first.stop();
      expect(fake.requestCount()).toBe(1);

      app.clock.advance(10 * 60 * 1000);
      startRelay(mailgun());
      await vi.waitFor(() => expect(fake.messages.map((message) => message.to)).toEqual(['olivia.nguyen@example.com']));
      await vi.waitFor(async () =>
        expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toEqual([
          'EmailSendDeferred',
          'EmailSent',
        ]),
      );
      const password = tempPasswordIn(fake.messages[0]!.text);
      expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password }, {})).ok).toBe(true);
    });

    it('gives up when the retry window is over, and says so', async () => {
      const slowFake = await startFakeMailgun({ onRequest: () => app.clock.advance(10 * 60 * 1000) });
      slowFake.failWhen(() => ({ status: 500, body: { message: 'down' } }));
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      startRelay(
        createMailgunTransport({
          apiKey: 'key-test-123456',
          domain: 'mg.example.com',
          url: slowFake.url,
          from: app.config.mail.from,
          replyTo: null,
        }),
        { retryPolicy: { ...quickRetries, windowSeconds: 25 * 60 } },
      );
      await vi.waitFor(async () =>
        expect((await mailEvents(app.deps.store, 'C-1')).at(-1)?.type).toBe('EmailSendFailed'),
      );
      await slowFake.close();

      expect(slowFake.requestCount()).toBe(3);
      expect((await mailEvents(app.deps.store, 'C-1')).at(-1)).toMatchObject({
        data: {
          permanent: false,
          gaveUpAfterAttempts: 3,
          reason: expect.stringMatching(/^gave up after 3 attempts: .*500/),
        },
      });
      await app.deps.projections.catchUp();
      expect(app.deps.readModels.mail.latestEmail('C-1')).toMatchObject({ state: 'gave_up', failedAttempts: 2 });
    });

    it("an older credentials email's password is refused with a word about the newer email, and does not burn it", async () => {
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      await runRelayOnce(mailgun());
      app.clock.advance(60 * 60 * 1000);
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      await runRelayOnce(mailgun());
      const [older, newer] = fake.messages.map((message) => tempPasswordIn(message.text));

      const userName = 'olivia.nguyen@example.com';
      const refused = await signIn(app.deps, { userName, password: older! }, {});
      expect(refused).toEqual({
        ok: false,
        error: { code: 'superseded_temporary', replacedAt: app.clock.now().toISOString() },
      });
      // TEMP_PASSWORD_MAX_FAILURES is 1: a counted failure would have burned the newer password.
      const credentialEvents = await credentialEventTypes('C-1');
      expect(credentialEvents.at(-1)).toBe('LoginFailed');
      expect(credentialEvents.filter((type) => type === 'TempPasswordBurned')).toHaveLength(1);
      const signedIn = await signIn(app.deps, { userName, password: newer! }, {});
      expect(signedIn.ok && signedIn.value.mustChoosePassword).toBe(true);
      // Once the newer one is used, the older one is just a wrong password.
      expect(await signIn(app.deps, { userName, password: older! }, {})).toEqual({
        ok: false,
        error: { code: 'invalid_credentials' },
      });
    });

    it('a retry is dropped when the client has asked for the same email again since', async () => {
      fake.failWhen(() => ({ status: 503, body: { message: 'busy' } }));
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      startRelay(mailgun(), { retryPolicy: { firstDelaySeconds: 0.5, maxDelaySeconds: 0.5 } });
      await vi.waitFor(async () => expect(await mailEvents(app.deps.store, 'C-1')).toHaveLength(1));
      fake.failWhen(null);
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });

      await vi.waitFor(async () =>
        expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type).sort()).toEqual([
          'EmailSendDeferred',
          'EmailSendFailed',
          'EmailSent',
        ]),
      );
      expect(fake.messages).toHaveLength(1);
      expect((await mailEvents(app.deps.store, 'C-1')).find((event) => event.type === 'EmailSendFailed')).toMatchObject(
        {
          data: { reason: 'not sent: a newer request for this email replaced it' },
        },
      );
    });
  });
});
