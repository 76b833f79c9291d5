import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueTempPassword, requestCredentialsEmail } from '../../src/app/logins.ts';
import { signIn } from '../../src/app/sign-in.ts';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { describeMailState } from '../../src/mail/status-text.ts';
import { startMailRelay, type MailRelay } from '../../src/mail/relay.ts';
import { staff, type TestApp } from '../support/app.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import { createMailTestApp, mailEvents, tempPasswordIn } from './support.ts';

/** On SQLite: a credentials email requested before staff issue a temporary password by hand. */
describe("the relay never burns a temporary password staff issued after the email's request", () => {
  let app: TestApp;
  let fake: FakeMailgun;
  let relay: MailRelay | null;
  beforeEach(async () => {
    app = await createMailTestApp();
    fake = await startFakeMailgun();
    relay = null;
  });
  afterEach(async () => {
    await relay?.stop();
    await fake.close();
    await app.dispose();
  });
  const startRelay = () =>
    (relay = startMailRelay(
      app,
      createMailgunTransport({
        apiKey: 'key-test-123456',
        domain: 'mg.example.com',
        url: fake.url,
        from: app.config.mail.from,
        replyTo: null,
      }),
      { pollIntervalMs: 20, retryPolicy: { firstDelaySeconds: 0.001, maxDelaySeconds: 0.001 } },
    ));
  async function issueByHand() {
    const issued = await issueTempPassword(app.deps, { clientId: 'C-1', delivery: 'shown_to_staff' }, { actor: staff });
    if (!issued.ok) throw new Error(issued.error.message);
    const events = await app.deps.store.readStream('credential-C-1');
    const tempPasswordId = (events.at(-1)!.data as { tempPasswordId: string }).tempPasswordId;
    return { password: issued.value.password, tempPasswordId };
  }
  const tempPasswordsIssued = async () =>
    (await app.deps.store.readStream('credential-C-1')).filter((event) => event.type === 'TempPasswordIssued').length;

  it('skips the older request and records why; the password staff gave the client still signs in', async () => {
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    const byHand = await issueByHand();
    await startRelay().drain();

    expect(fake.requestCount()).toBe(0);
    expect(await tempPasswordsIssued()).toBe(1);
    expect(await mailEvents(app.deps.store, 'C-1')).toMatchObject([
      {
        type: 'EmailSendSkipped',
        data: {
          template: 'client-login-credentials',
          reason: 'temp_password_issued_since',
          tempPasswordId: byHand.tempPasswordId,
        },
      },
    ]);
    await app.deps.projections.catchUp();
    const [entry] = app.deps.readModels.mail.clientMailHistory('C-1');
    expect(entry!.state).toBe('skipped');
    expect(describeMailState(entry!, { timeZone: 'UTC', retryWindowSeconds: 3600 })).toBe(
      'not sent: staff issued a temporary password by hand after it was requested; the temporary password staff issued is the one that works',
    );
    expect(app.deps.readModels.credentials.getCredential('C-1')!.lastEmailState).toBe('skipped');
    const signedIn = await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password: byHand.password }, {});
    expect(signedIn.ok).toBe(true);
  });

  it('a request made after the hand-issued password is sent as usual', async () => {
    await issueByHand();
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await startRelay().drain();
    expect(fake.messages).toHaveLength(1);
    expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toEqual(['EmailSent']);
    const password = tempPasswordIn(fake.messages[0]!.text);
    expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password }, {})).ok).toBe(true);
  });

  it('a retry falling due after staff issued one by hand is skipped, not sent with a newer password', async () => {
    let byHand: { password: string; tempPasswordId: string } | null = null;
    fake.failWhen(() => (byHand ? null : { status: 503, body: { message: 'busy' } }));
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    relay = startMailRelay(
      app,
      createMailgunTransport({
        apiKey: 'key-test-123456',
        domain: 'mg.example.com',
        url: fake.url,
        from: app.config.mail.from,
        replyTo: null,
      }),
      { pollIntervalMs: 20, retryPolicy: { firstDelaySeconds: 0.2, maxDelaySeconds: 0.2 } },
    );
    await vi.waitFor(async () =>
      expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toContain('EmailSendDeferred'),
    );
    byHand = await issueByHand();
    await vi.waitFor(async () =>
      expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toContain('EmailSendSkipped'),
    );
    expect(fake.messages).toHaveLength(0);
    const signedIn = await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password: byHand.password }, {});
    expect(signedIn.ok).toBe(true);
  });
});
