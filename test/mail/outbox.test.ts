import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createOutboxTransport, listOutbox, readOutboxMessage } from '../../src/mail/outbox.ts';
import type { MailMessage } from '../../src/mail/transport.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const message: MailMessage = {
  to: 'zoe@example.com',
  subject: 'Votre accès — Zoë',
  text: 'Hello Zoë,\nTemporary password: lantern-pebble-oyster-mango-47293\n',
  html: '<p>Hello Zoë,</p>\n<p>Temporary password: <code>lantern-pebble-oyster-mango-47293</code></p>',
  tags: ['latchkey', 'client-login-credentials'],
  variables: { 'client-id': 'C-9', template: 'client-login-credentials' },
  requireTls: true,
};

describe('the dev outbox', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp({ MAIL_REPLY_TO: 'office@example.com' });
  });
  afterEach(() => app.dispose());
  const transport = () =>
    createOutboxTransport({
      dir: app.config.mail.outboxDir,
      from: app.config.mail.from,
      replyTo: app.config.mail.replyTo,
    });

  it('writes each message as an .eml any mail client opens, and a .json of who and what without the body', async () => {
    const sent = await transport().send(message);
    const files = readdirSync(app.config.mail.outboxDir).sort();
    expect(files).toHaveLength(2);
    const [eml, json] = files.map((name) => readFileSync(join(app.config.mail.outboxDir, name), 'utf8'));
    expect(eml).toContain('To: zoe@example.com\r\n');
    expect(eml).toContain('Reply-To: office@example.com\r\n');
    expect(eml).toContain(`Subject: =?UTF-8?B?${Buffer.from(message.subject).toString('base64')}?=\r\n`);
    expect(eml).toContain(`Message-ID: <${sent.providerMessageId}>\r\n`);
    expect(eml).toContain('Content-Type: multipart/alternative;');
    expect(JSON.parse(json!)).toMatchObject({
      to: 'zoe@example.com',
      subject: message.subject,
      tags: message.tags,
      variables: message.variables,
      providerMessageId: sent.providerMessageId,
    });
    expect(json).not.toContain('lantern-pebble');
  });

  it('reads back both parts exactly as they were sent', async () => {
    await transport().send(message);
    const [entry] = listOutbox(app.config.mail.outboxDir);
    const read = readOutboxMessage(app.config.mail.outboxDir, entry!.id);
    expect(read?.text).toBe(message.text);
    expect(read?.html).toBe(message.html);
  });

  it('/dev/outbox lists the messages and shows one, with its HTML in a sandboxed frame', async () => {
    await transport().send(message);
    const [entry] = listOutbox(app.config.mail.outboxDir);
    const http = createHttpApp(app);

    const list = await http.request('/dev/outbox');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await list.text()).toContain(`<a href="/dev/outbox/${entry!.id}">Votre accès — Zoë</a>`);

    const view = await http.request(`/dev/outbox/${entry!.id}`);
    const page = await view.text();
    expect(page).toContain('<iframe sandbox="" srcdoc="&lt;p&gt;Hello Zoë,&lt;/p&gt;');
    expect(page).toContain('Temporary password: lantern-pebble-oyster-mango-47293');

    const raw = await http.request(`/dev/outbox/${entry!.id}.eml`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(await raw.text()).toContain('MIME-Version: 1.0');

    expect((await http.request('/dev/outbox/..%2F..%2Fpepper')).status).toBe(404);
  });

  it('/dev/outbox is not served when the server listens beyond this machine', async () => {
    const exposed = await createTestApp({ HOST: '0.0.0.0' });
    try {
      expect(exposed.config.devMode).toBe(false);
      expect((await createHttpApp(exposed).request('/dev/outbox')).status).toBe(404);
    } finally {
      await exposed.dispose();
    }
  });
});
