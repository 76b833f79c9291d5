import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { PermanentMailError, TransientMailError, type MailMessage } from '../../src/mail/transport.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';

const message: MailMessage = {
  to: 'jamie.rivera@example.com',
  subject: 'Your Happy Paws client portal login',
  text: 'Hello Jamie,\nUser name: jamie\n',
  html: '<p>Hello Jamie,</p><p>User name: <strong>jamie</strong></p>',
  tags: ['latchkey', 'client-login-credentials'],
  variables: { 'client-id': 'C-1', 'request-event-id': 'e-123', template: 'client-login-credentials' },
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
    fake = await startFakeMailgun();
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

  it.each([400, 401, 404])('a %i answer is a permanent failure', async (status) => {
    fake.failNext({ status, body: { message: `refused with ${status}` } });
    const sending = transport().send(message);
    await expect(sending).rejects.toBeInstanceOf(PermanentMailError);
    await expect(sending).rejects.toThrow(String(status));
  });

  it.each([429, 500, 502, 503])('a %i answer is a transient failure', async (status) => {
    fake.failNext({ status, body: { message: 'try later' } });
    await expect(transport().send(message)).rejects.toBeInstanceOf(TransientMailError);
  });

  it('an unreachable server is a transient failure, not the 400 mailgun.js reports for it', async () => {
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
    await expect(unreachable.send(message)).rejects.toBeInstanceOf(TransientMailError);
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
