import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestCredentialsEmail } from '../../src/app/logins.ts';
import { liftMailSuppression } from '../../src/app/mail-suppression.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { startMailRelay, type MailRelay } from '../../src/mail/relay.ts';
import { staff, type TestApp } from '../support/app.ts';
import { runCli } from '../support/cli.ts';
import { mailgunWebhookBody, startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import { createMailTestApp, mailEnv, mailEvents } from './support.ts';

describe('suppressed addresses', () => {
  let app: TestApp;
  let http: Hono;
  let fake: FakeMailgun;
  let relay: MailRelay;

  beforeEach(async () => {
    app = await createMailTestApp();
    http = createHttpApp(app);
    fake = await startFakeMailgun({ apiKey: 'key-test-123456', domains: ['mg.example.com'] });
    relay = startMailRelay(
      app,
      createMailgunTransport({
        apiKey: 'key-test-123456',
        domain: 'mg.example.com',
        url: fake.url,
        from: app.config.mail.from,
        replyTo: null,
      }),
      { pollIntervalMs: 20 },
    );
  });
  afterEach(async () => {
    await relay.stop();
    await fake.close();
    await app.dispose();
  });

  async function reportOnFirstEmail(event: Record<string, unknown>) {
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await vi.waitFor(() => expect(fake.messages).toHaveLength(1));
    await relay.drain();
    const body = mailgunWebhookBody(
      mailEnv.MAILGUN_WEBHOOK_SIGNING_KEY,
      {
        message: { headers: { 'message-id': fake.messages[0]!.messageId } },
        'user-variables': fake.messages[0]!.variables,
        ...event,
      },
      { timestamp: Math.floor(app.clock.now().getTime() / 1000) },
    );
    const response = await http.request('/webhooks/mailgun', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    await app.deps.projections.catchUp();
  }

  it.each([
    ['bounced', { event: 'failed', severity: 'permanent', reason: 'bounce' }],
    ['complained', { event: 'complained' }],
    ['unsubscribed', { event: 'unsubscribed' }],
  ])(
    'an address that %s is not mailed again: the request is recorded as suppressed and nothing is minted',
    async (reason, event) => {
      await reportOnFirstEmail(event);
      await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
      await relay.drain();

      expect(fake.messages).toHaveLength(1);
      expect((await mailEvents(app.deps.store, 'C-1')).at(-1)).toMatchObject({
        type: 'EmailSuppressed',
        data: { to: 'olivia.nguyen@example.com', reason },
      });
      const issued = (await app.deps.store.readStream('credential-C-1')).filter(
        (recorded) => recorded.type === 'TempPasswordIssued',
      );
      expect(issued).toHaveLength(1);
      await app.deps.projections.catchUp();
      expect(app.deps.readModels.mail.latestEmail('C-1')).toMatchObject({
        state: 'suppressed',
        reason: expect.stringContaining(`the address ${reason}`),
      });
    },
  );

  it('staff lift the suppression once the address is fixed, and the next email goes out', async () => {
    await reportOnFirstEmail({ event: 'failed', severity: 'permanent', reason: 'bounce' });
    const lifted = await liftMailSuppression(app.deps, { clientId: 'C-1' }, { actor: staff });
    expect(lifted).toEqual({ ok: true, value: { address: 'olivia.nguyen@example.com', reason: 'bounced' } });
    expect(await liftMailSuppression(app.deps, { clientId: 'C-1' }, { actor: staff })).toMatchObject({
      ok: false,
      error: { code: 'not_suppressed' },
    });

    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await vi.waitFor(() => expect(fake.messages).toHaveLength(2));
    await relay.drain();
    expect((await mailEvents(app.deps.store, 'C-1')).at(-1)?.type).toBe('EmailSent');
  });

  it('the command line shows the suppression with the way to lift it, and lifts it', async () => {
    await reportOnFirstEmail({ event: 'complained' });
    await relay.stop();
    const env = { LATCHKEY_DATA_DIR: app.dir, PUBLIC_ORIGIN: mailEnv.PUBLIC_ORIGIN };
    const sent = await runCli(['mail', 'send', 'credentials', 'C-1'], env);
    expect(sent.stdout).toContain('But mail to olivia.nguyen@example.com is suppressed (it complained on');
    expect(sent.stdout).toContain('latchkey mail unsuppress C-1');
    const status = await runCli(['mail', 'status'], env);
    expect(status.stdout).toContain('Addresses no longer mailed:\n  olivia.nguyen@example.com  complained on');
    const unsuppress = await runCli(['mail', 'unsuppress', 'C-1'], env);
    expect(unsuppress).toMatchObject({ code: 0, stdout: expect.stringContaining('goes out again') });
    await app.deps.projections.catchUp();
    expect(app.deps.readModels.mail.findSuppression('olivia.nguyen@example.com')).toBeNull();
    // Each command is a fresh Node process: slow to start on a busy machine.
  }, 120_000);
});
