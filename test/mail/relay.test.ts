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
    const relay = startMailRelay(app, transport, { pollIntervalMs: 20, retryDelaysMs: [1, 1], ...options });
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
    expect(message!.text).toContain(`Log in here: ${publicOrigin}/login`);
    expect(message!.text).toContain('works once. It is erased at your next login attempt');
    expect(message!.text).toContain('call 555-0100');
    expect(message!.html).toContain(`href="${publicOrigin}/login"`);
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

    it('retries a transient failure and records the email once it goes through', async () => {
      fake.failNext({ status: 503, body: { message: 'busy' } }, { status: 503, body: { message: 'busy' } });
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      await runRelayOnce(mailgun(), { retryDelaysMs: [1, 1, 1] });

      expect(fake.requestCount()).toBe(3);
      expect(fake.messages).toHaveLength(1);
      expect(fake.messages[0]!.tags).toEqual(['latchkey', 'client-login-credentials']);
      expect(await mailEvents(app.deps.store, 'C-1')).toMatchObject([
        { type: 'EmailSent', data: { providerMessageId: fake.messages[0]!.messageId } },
      ]);
      const password = tempPasswordIn(fake.messages[0]!.text);
      expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password }, {})).ok).toBe(true);
    });

    it('records a permanent failure without retrying it', async () => {
      fake.failNext({ status: 400, body: { message: "'to' parameter is not a valid address" } });
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      await runRelayOnce(mailgun(), { retryDelaysMs: [1, 1, 1] });

      expect(fake.requestCount()).toBe(1);
      expect(await mailEvents(app.deps.store, 'C-1')).toMatchObject([
        { type: 'EmailSendFailed', data: { permanent: true, reason: expect.stringContaining('not a valid address') } },
      ]);
      expect(app.deps.readModels.credentials.getCredential('C-1')?.lastEmailState).toBe('failed');
    });

    it('stopping while a send waits to be retried loses nothing: the next start sends it', async () => {
      fake.failNext({ status: 503, body: { message: 'busy' } });
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      const waiting = startRelay(mailgun(), { retryDelaysMs: [10 * 60 * 1000] });
      await vi.waitFor(() => expect(fake.requestCount()).toBe(1));
      await waiting.stop();
      expect(await mailEvents(app.deps.store, 'C-1')).toEqual([]);

      await runRelayOnce(mailgun());
      expect(fake.messages.map((message) => message.to)).toEqual(['olivia.nguyen@example.com']);
      const password = tempPasswordIn(fake.messages[0]!.text);
      expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password }, {})).ok).toBe(true);
    });

    it('records a transient failure as not sent once the retries run out', async () => {
      fake.failNext(...Array.from({ length: 3 }, () => ({ status: 500, body: { message: 'down' } })));
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      await runRelayOnce(mailgun(), { retryDelaysMs: [1, 1] });

      expect(fake.requestCount()).toBe(3);
      expect(await mailEvents(app.deps.store, 'C-1')).toMatchObject([
        {
          type: 'EmailSendFailed',
          data: { permanent: false, reason: expect.stringContaining('gave up after 3 attempts') },
        },
      ]);
    });
  });
});
