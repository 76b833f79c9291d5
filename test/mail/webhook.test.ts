import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app/context.ts';
import { requestCredentialsEmail } from '../../src/app/logins.ts';
import { loadConfig } from '../../src/config.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createOutboxTransport } from '../../src/mail/outbox.ts';
import { startMailRelay } from '../../src/mail/relay.ts';
import { fastScrypt, staff, type TestApp } from '../support/app.ts';
import { mailgunWebhookBody } from './fake-mailgun.ts';
import { createMailTestApp, everyEventAsJson, mailEnv, mailEvents } from './support.ts';

const signingKey = mailEnv.MAILGUN_WEBHOOK_SIGNING_KEY;

describe('POST /webhooks/mailgun', () => {
  let app: TestApp;
  let http: Hono;
  let messageId: string;
  let requestEventId: string;

  beforeEach(async () => {
    app = await createMailTestApp();
    http = createHttpApp(app);
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    const relay = startMailRelay(
      app,
      createOutboxTransport({ dir: app.config.mail.outboxDir, from: app.config.mail.from, replyTo: null }),
      { pollIntervalMs: 20 },
    );
    await relay.drain();
    await relay.stop();
    const [sent] = await mailEvents(app.deps.store, 'C-1');
    messageId = sent!.data.providerMessageId as string;
    requestEventId = sent!.data.requestEventId as string;
  });
  afterEach(() => app.dispose());

  const nowSeconds = () => Math.floor(app.clock.now().getTime() / 1000);
  function report(
    eventData: Record<string, unknown> = {},
    signature: { timestamp?: number; token?: string } = {},
    key = signingKey,
  ) {
    return mailgunWebhookBody(
      key,
      {
        event: 'delivered',
        message: { headers: { 'message-id': messageId } },
        'user-variables': { 'client-id': 'C-1', 'request-event-id': requestEventId },
        ...eventData,
      },
      { timestamp: signature.timestamp ?? nowSeconds(), ...(signature.token ? { token: signature.token } : {}) },
    );
  }
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    http.request('/webhooks/mailgun', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const card = async () => {
    await app.deps.projections.catchUp();
    return app.deps.readModels.credentials.getCredential('C-1')?.lastEmailState;
  };

  it('a signed delivery report marks the email delivered on the credential card', async () => {
    const response = await post(report());
    expect(response.status).toBe(200);
    expect((await mailEvents(app.deps.store, 'C-1')).at(-1)).toEqual({
      type: 'EmailDelivered',
      data: { clientId: 'C-1', providerMessageId: messageId },
    });
    expect(await card()).toBe('delivered');
    expect(app.deps.readModels.mail.clientMailHistory('C-1')[0]?.state).toBe('delivered');
  });

  it('finds the client by message id when the report carries no user variables', async () => {
    const response = await post(
      report({ 'user-variables': {}, message: { headers: { 'message-id': `<${messageId}>` } } }),
    );
    expect(response.status).toBe(200);
    expect(await card()).toBe('delivered');
  });

  it('a permanent bounce, a temporary failure and a complaint each show as Mailgun reported them', async () => {
    expect(
      (
        await post(
          report({
            event: 'failed',
            severity: 'temporary',
            reason: 'generic',
            'delivery-status': { message: 'mailbox busy' },
          }),
        )
      ).status,
    ).toBe(200);
    expect(await card()).toBe('sent');
    expect(app.deps.readModels.mail.clientMailHistory('C-1')[0]).toMatchObject({
      state: 'deferred',
      reason: 'generic: mailbox busy',
    });

    expect(
      (
        await post(
          report({
            event: 'failed',
            severity: 'permanent',
            reason: 'bounce',
            'delivery-status': { description: 'No such user' },
          }),
        )
      ).status,
    ).toBe(200);
    expect(await card()).toBe('bounced');
    expect((await mailEvents(app.deps.store, 'C-1')).at(-1)).toEqual({
      type: 'EmailBounced',
      data: { clientId: 'C-1', providerMessageId: messageId, reason: 'bounce: No such user' },
    });

    expect((await post(report({ event: 'complained' }))).status).toBe(200);
    expect(await card()).toBe('complained');
  });

  it('a bad signature is refused and changes nothing', async () => {
    const before = await everyEventAsJson(app.deps.store);
    const forged = report();
    forged.signature.signature = forged.signature.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect((await post(forged)).status).toBe(401);
    expect((await post(report({}, {}, 'some-other-signing-key'))).status).toBe(401);
    expect(await everyEventAsJson(app.deps.store)).toBe(before);
  });

  it('a timestamp more than 5 minutes away, either way, is refused; one inside the window is accepted', async () => {
    const before = await everyEventAsJson(app.deps.store);
    expect((await post(report({}, { timestamp: nowSeconds() - 6 * 60 }))).status).toBe(401);
    expect((await post(report({}, { timestamp: nowSeconds() + 6 * 60 }))).status).toBe(401);
    expect(await everyEventAsJson(app.deps.store)).toBe(before);
    expect((await post(report({}, { timestamp: nowSeconds() - 4 * 60 }))).status).toBe(200);
  });

  it('a replayed token is refused, even with a different body', async () => {
    const first = report();
    expect((await post(first)).status).toBe(200);
    const replay = await post(first);
    expect(replay.status).toBe(406);
    expect(await replay.json()).toMatchObject({ error: 'replayed_token' });
    expect((await post(report({ event: 'complained' }, { token: first.signature.token }))).status).toBe(406);
    expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toEqual([
      'EmailSent',
      'EmailDelivered',
    ]);
  });

  it("Mailgun's retry of a report whose first delivery died between claim and record is recorded, once", async () => {
    const first = report();
    const tokenStream = `mailgun-webhook-token-${first.signature.token}`;
    const claim = { timestamp: String(first.signature.timestamp), event: 'delivered', providerMessageId: messageId };
    await app.deps.store.append(
      tokenStream,
      [
        {
          id: crypto.randomUUID(),
          type: 'MailgunWebhookTokenAccepted',
          data: claim,
          metadata: { actor: { kind: 'system', id: 'mailgun' }, at: app.clock.now().toISOString() },
        },
      ],
      { expected: 'no_stream' },
    );
    expect((await post(first)).status).toBe(200);
    expect((await post(first)).status).toBe(406);
    expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toEqual([
      'EmailSent',
      'EmailDelivered',
    ]);
  });

  it('a used token is still refused after a restart', async () => {
    const first = report();
    expect((await post(first)).status).toBe(200);
    const config = loadConfig({
      ...mailEnv,
      LATCHKEY_DATA_DIR: app.dir,
      LATCHKEY_READ_MODELS: join(app.dir, 'after-restart.sqlite'),
      LOG_LEVEL: 'silent',
    });
    const restarted = await openApp(config, { clock: app.clock, scryptParams: fastScrypt, pollIntervalMs: 20 });
    try {
      expect(
        (
          await createHttpApp(restarted).request('/webhooks/mailgun', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(first),
          })
        ).status,
      ).toBe(406);
    } finally {
      await restarted.close();
    }
  });

  // Mailgun signs only timestamp + token, so a signature block seen once (say in a log) could be
  // attached to a body of the thief's choosing. The body's claims must therefore match the log.
  describe('a valid signature block on a forged body', () => {
    it('cannot report on a message we never sent: only its token is used up', async () => {
      const [last] = (await app.deps.store.readAll({ after: null, limit: 1_000_000 })).slice(-1);
      const response = await post(report({ message: { headers: { 'message-id': 'made-up-id@mg.example.com' } } }));
      expect(response.status).toBe(406);
      expect(await response.json()).toMatchObject({ error: 'unknown_message' });
      const appended = await app.deps.store.readAll({ after: last!.position, limit: 100 });
      expect(appended.map((event) => event.type)).toEqual(['MailgunWebhookTokenAccepted']);
    });

    it("cannot pin one client's email on another client", async () => {
      const response = await post(report({ event: 'complained', 'user-variables': { 'client-id': 'C-2' } }));
      expect(response.status).toBe(406);
      expect(await mailEvents(app.deps.store, 'C-2')).toEqual([]);
      expect((await mailEvents(app.deps.store, 'C-1')).map((event) => event.type)).toEqual(['EmailSent']);
      expect(await card()).toBe('sent');
    });
  });

  it('reports that change nothing (opened, clicked) are acknowledged without touching the log', async () => {
    const before = await everyEventAsJson(app.deps.store);
    const response = await post(report({ event: 'opened' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, ignored: 'opened' });
    expect(await everyEventAsJson(app.deps.store)).toBe(before);
  });

  it('a body that is not a Mailgun JSON webhook is a 400', async () => {
    expect((await post('signature=abc&token=def')).status).toBe(400);
    expect((await post({ 'event-data': report()['event-data'] })).status).toBe(400);
  });

  it("is not behind the client site's CSRF check: a cross-site POST with a good signature is recorded", async () => {
    const response = await post(report(), { Origin: 'https://mailgun.example', 'Sec-Fetch-Site': 'cross-site' });
    expect(response.status).toBe(200);
  });

  it('is not mounted at all without MAILGUN_WEBHOOK_SIGNING_KEY', async () => {
    const unsigned = await createMailTestApp({ MAILGUN_WEBHOOK_SIGNING_KEY: '' });
    try {
      const response = await createHttpApp(unsigned).request('/webhooks/mailgun', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(report()),
      });
      expect(response.status).toBe(404);
    } finally {
      await unsigned.dispose();
    }
  });
});
