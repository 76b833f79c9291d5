import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import {
  MailServiceUnavailableError,
  PermanentMailError,
  TransientMailError,
  type MailMessage,
} from '../../src/mail/transport.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';

const message: MailMessage = {
  to: 'jamie.rivera@example.com',
  subject: 'Your Happy Paws client portal login',
  text: 'Hello Jamie,\nUser name: jamie\n',
  html: '<p>Hello Jamie,</p><p>User name: <strong>jamie</strong></p>',
  tags: ['latchkey', 'client-login-credentials'],
  variables: { 'client-id': 'C-1', 'request-event-id': 'e-123', template: 'client-login-credentials' },
  requireTls: true,
};

describe('the Mailgun transport, through the real mailgun.js to a local fake Mailgun', () => {
  let fake: FakeMailgun;
  const transport = () =>
    createMailgunTransport({
      apiKey: 'key-test-123456',
      domain: 'mg.example.com',
      url: fake.url,
      from: '"Happy Paws" <hello@mg.example.com>',
      replyTo: 'office@example.com',
    });

  beforeAll(async () => {
    fake = await startFakeMailgun({
      apiKey: 'key-test-123456',
      domains: ['mg.example.com'],
      maxMessageBytes: 64 * 1024,
    });
  });
  afterAll(() => fake.close());

  it('posts recipient, subject, both bodies, tags, variables and reply-to, and returns the id without brackets', async () => {
    const sent = await transport().send(message);
    const received = fake.messages.at(-1)!;
    expect(received.path).toBe('/v3/mg.example.com/messages');
    expect(received.authorization).toBe(`Basic ${Buffer.from('api:key-test-123456').toString('base64')}`);
    expect(received.to).toBe('jamie.rivera@example.com');
    expect(received.fields.get('from')).toEqual(['"Happy Paws" <hello@mg.example.com>']);
    expect(received.fields.get('h:Reply-To')).toEqual(['office@example.com']);
    expect(received.subject).toBe(message.subject);
    expect(received.text).toBe(message.text);
    expect(received.html).toBe(message.html);
    expect(received.tags).toEqual(['latchkey', 'client-login-credentials']);
    expect(received.variables).toEqual(message.variables);
    expect(sent.providerMessageId).toBe(received.messageId);
    expect(sent.providerMessageId).not.toMatch(/[<>]/);
  });

  it('turns click tracking off on every message, and asks for TLS on the ones that carry a secret', async () => {
    await transport().send(message);
    expect(fake.messages.at(-1)!.fields.get('o:tracking')).toEqual(['no']);
    expect(fake.messages.at(-1)!.fields.get('o:require-tls')).toEqual(['yes']);
    await transport().send({ ...message, requireTls: false });
    expect(fake.messages.at(-1)!.fields.get('o:tracking')).toEqual(['no']);
    expect(fake.messages.at(-1)!.fields.has('o:require-tls')).toBe(false);
  });

  it('a 401 (our own API key refused) says Mailgun is unavailable to us, not that the message is wrong', async () => {
    fake.failNext({ status: 401, body: 'Forbidden' });
    const sending = transport().send(message);
    await expect(sending).rejects.toBeInstanceOf(MailServiceUnavailableError);
    await expect(sending).rejects.toMatchObject({ problem: 'Mailgun refused the API key (401)' });
  });

  it.each([400, 402, 404, 413])('a %i answer is a permanent failure', async (status) => {
    fake.failNext({ status, body: { message: `refused with ${status}` } });
    const sending = transport().send(message);
    await expect(sending).rejects.toBeInstanceOf(PermanentMailError);
    await expect(sending).rejects.toThrow(String(status));
  });

  it.each([429, 500, 502, 503, 504])('a %i answer is a transient failure', async (status) => {
    fake.failNext({ status, body: { message: 'try later' } });
    await expect(transport().send(message)).rejects.toBeInstanceOf(TransientMailError);
  });

  it('hands on the Retry-After of a 429 or 503, in seconds or as an HTTP date', async () => {
    fake.failNext({ status: 429, body: { message: 'rate limited' }, headers: { 'Retry-After': '120' } });
    const limited = await transport()
      .send(message)
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(TransientMailError);
    expect((limited as TransientMailError).retryAfterSeconds).toBe(120);

    const at = new Date(Date.now() + 3_600_000).toUTCString();
    fake.failNext({ status: 503, body: { message: 'maintenance' }, headers: { 'Retry-After': at } });
    const busy = (await transport()
      .send(message)
      .catch((error: unknown) => error)) as TransientMailError;
    expect(busy.retryAfterSeconds).toBeGreaterThan(3500);
    expect(busy.retryAfterSeconds).toBeLessThanOrEqual(3600);

    fake.failNext({ status: 500, body: { message: 'down' } });
    expect(
      (
        (await transport()
          .send(message)
          .catch((error: unknown) => error)) as TransientMailError
      ).retryAfterSeconds,
    ).toBeNull();
  });

  it('the fake refuses what Mailgun refuses: a wrong key, a domain not on the account, a bad address, a message too large', async () => {
    const withKey = (apiKey: string, domain = 'mg.example.com') =>
      createMailgunTransport({ apiKey, domain, url: fake.url, from: 'a@mg.example.com', replyTo: null });
    await expect(withKey('key-wrong-000000').send(message)).rejects.toThrow(/\(401\)/);
    await expect(withKey('key-test-123456', 'mg.other.example').send(message)).rejects.toThrow(
      /\(404\).*Domain not found/,
    );
    await expect(transport().send({ ...message, to: 'not-an-address' })).rejects.toThrow(
      /\(400\).*not a valid address/,
    );
    await expect(transport().send({ ...message, html: 'x'.repeat(70 * 1024) })).rejects.toThrow(/\(413\)/);
    expect(fake.messages.some((received) => received.to === 'not-an-address')).toBe(false);
  });

  it('an unreachable server makes Mailgun unavailable, not the 400 mailgun.js reports for it', async () => {
    const closed = await startFakeMailgun();
    const url = closed.url;
    await closed.close();
    const unreachable = createMailgunTransport({
      apiKey: 'key-test-123456',
      domain: 'mg.example.com',
      url,
      from: 'a@mg.example.com',
      replyTo: null,
    });
    const sending = unreachable.send(message);
    await expect(sending).rejects.toBeInstanceOf(MailServiceUnavailableError);
    await expect(sending).rejects.toMatchObject({ problem: 'Mailgun could not be reached' });
  });

  it('leaves out Reply-To when none is configured', async () => {
    const noReplyTo = createMailgunTransport({
      apiKey: 'key-test-123456',
      domain: 'mg.example.com',
      url: fake.url,
      from: 'a@mg.example.com',
      replyTo: null,
    });
    await noReplyTo.send(message);
    expect(fake.messages.at(-1)!.fields.has('h:Reply-To')).toBe(false);
  });
});
