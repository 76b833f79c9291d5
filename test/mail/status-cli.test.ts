import { writeFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestCredentialsEmail } from '../../src/app/logins.ts';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { startMailRelay } from '../../src/mail/relay.ts';
import { staff, type TestApp } from '../support/app.ts';
import { runCli } from '../support/cli.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import { createMailTestApp, mailEnv, mailEvents } from './support.ts';

describe('`latchkey mail send` and `latchkey mail status`', () => {
  let app: TestApp;
  let fake: FakeMailgun;
  beforeEach(async () => {
    app = await createMailTestApp();
    fake = await startFakeMailgun();
  });
  afterEach(async () => {
    await fake.close();
    await app.dispose();
  });
  const env = () => ({ LATCHKEY_DATA_DIR: app.dir, PUBLIC_ORIGIN: mailEnv.PUBLIC_ORIGIN });
  const mailgun = () =>
    createMailgunTransport({
      apiKey: 'key-test-123456',
      domain: 'mg.example.com',
      url: fake.url,
      from: app.config.mail.from,
      replyTo: null,
    });

  it("shows each email's life: requested, then still trying with the time of the next try and of giving up", async () => {
    const sent = await runCli(['mail', 'send', 'credentials', 'C-1'], env());
    expect(sent).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Credentials email to olivia.nguyen@example.com requested'),
    });
    expect((await runCli(['mail', 'status', 'C-1'], env())).stdout).toContain('requested; waiting for the mail relay');

    fake.failWhen(() => ({ status: 503, body: { message: 'busy' }, headers: { 'Retry-After': '3600' } }));
    await requestCredentialsEmail(app.deps, { clientId: 'C-2' }, { actor: staff });
    const relay = startMailRelay(app, mailgun(), { pollIntervalMs: 20 });
    await vi.waitFor(async () => expect(await mailEvents(app.deps.store, 'C-2')).toHaveLength(1));
    await vi.waitFor(async () => expect(await mailEvents(app.deps.store, 'C-1')).toHaveLength(1));
    await relay.stop();

    const one = await runCli(['mail', 'status', 'C-2'], env());
    expect(one.stdout).toMatch(
      /client-login-credentials {2}requested .*\n {4}still trying \(1 attempt failed: Mailgun answered 503: .*busy\); next try .*; retrying until /,
    );
    const all = await runCli(['mail', 'status'], env());
    expect(all.stdout).toContain('Emails that need attention:\nC-2  client-login-credentials');
    expect(all.stdout).toContain('C-1  client-login-credentials');
    expect((await runCli(['mail', 'status', 'C-9'], env())).stderr).toContain('There is no client C-9.');
    // Each command is a fresh Node process: slow to start on a busy machine.
  }, 120_000);

  it('`mail preview` refuses a broken template with the file and line, and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-templates-'));
    try {
      cpSync(app.config.mail.templatesDir, dir, { recursive: true });
      const file = join(dir, 'client-login-credentials.txt');
      writeFileSync(file, readFileSync(file, 'utf8').replace('{{temporaryPassword}}', '{{temporaryPasword}}'));
      const preview = await runCli(['mail', 'preview', 'client-login-credentials'], {
        ...env(),
        MAIL_TEMPLATES_DIR: dir,
      });
      expect(preview.code).toBe(1);
      expect(preview.stdout).toBe('');
      expect(preview.stderr).toContain(`${file} line 7: {{temporaryPasword}} is not a placeholder this email has`);
      expect(preview.stderr).toContain(`${file}: {{temporaryPassword}} is missing; this email must show it`);
      expect(preview.stderr).not.toMatch(/\n\s+at /);

      const unclosed = join(dir, 'password-reset.html');
      writeFileSync(unclosed, '<p>{{#resetUrl}}</p>');
      const broken = await runCli(['mail', 'preview', 'password-reset'], { ...env(), MAIL_TEMPLATES_DIR: dir });
      expect(broken.stderr).toContain(`${unclosed} line 1: Unclosed section "resetUrl"`);
      expect(broken.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Each command is a fresh Node process: slow to start on a busy machine.
  }, 120_000);

  it('a template broken after start-up mints nothing: the request is recorded as not sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-templates-'));
    cpSync(app.config.mail.templatesDir, dir, { recursive: true });
    const edited = await createMailTestApp({ MAIL_TEMPLATES_DIR: dir });
    try {
      const relay = startMailRelay(edited, mailgun(), { pollIntervalMs: 20 });
      writeFileSync(join(dir, 'client-login-credentials.html'), '<p>Hello {{firstName}}</p>');
      await requestCredentialsEmail(edited.deps, { clientId: 'C-1' }, { actor: staff });
      await relay.drain();
      await relay.stop();
      expect(fake.requestCount()).toBe(0);
      expect(await mailEvents(edited.deps.store, 'C-1')).toMatchObject([
        {
          type: 'EmailSendFailed',
          data: { permanent: true, reason: expect.stringContaining('client-login-credentials.html') },
        },
      ]);
      const types = (await edited.deps.store.readStream('credential-C-1')).map((event) => event.type);
      expect(types).not.toContain('TempPasswordIssued');
    } finally {
      await edited.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a template broken after it has already been sent mints nothing for the next request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-templates-'));
    cpSync(app.config.mail.templatesDir, dir, { recursive: true });
    const edited = await createMailTestApp({ MAIL_TEMPLATES_DIR: dir });
    try {
      const relay = startMailRelay(edited, mailgun(), { pollIntervalMs: 20 });
      await requestCredentialsEmail(edited.deps, { clientId: 'C-1' }, { actor: staff });
      await relay.drain();
      expect(fake.requestCount()).toBe(1);
      // The relay keeps what it read and checked: the edit must still be seen, and refused.
      writeFileSync(join(dir, 'client-login-credentials.txt'), 'Hello {{firstName}}\n');
      await requestCredentialsEmail(edited.deps, { clientId: 'C-2' }, { actor: staff });
      await relay.drain();
      await relay.stop();
      expect(fake.requestCount()).toBe(1);
      expect(await mailEvents(edited.deps.store, 'C-2')).toMatchObject([
        {
          type: 'EmailSendFailed',
          data: { permanent: true, reason: expect.stringContaining('client-login-credentials.txt') },
        },
      ]);
      const types = (await edited.deps.store.readStream('credential-C-2')).map((event) => event.type);
      expect(types).not.toContain('TempPasswordIssued');
    } finally {
      await edited.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
