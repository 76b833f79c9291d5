import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { startServe, statusOfPageAt, type ServeProcess } from '../support/serve.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import { createMailTestApp, mailEnv } from './support.ts';

describe('`latchkey serve` with a Mailgun that refuses the API key', () => {
  let dir: string;
  let fake: FakeMailgun;
  let serve: ServeProcess | null = null;
  beforeEach(async () => {
    const app = await createMailTestApp();
    dir = app.dir;
    await app.close();
    fake = await startFakeMailgun();
  });
  afterEach(async () => {
    await serve?.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the site up, shows the pause on /status and in `mail status`, and sends once the key works', async () => {
    const env = { LATCHKEY_DATA_DIR: dir, PUBLIC_ORIGIN: mailEnv.PUBLIC_ORIGIN };
    expect((await runCli(['mail', 'send', 'credentials', 'C-1'], env)).code).toBe(0);
    fake.failWhen(() => ({ status: 401, body: 'Forbidden' }));
    serve = await startServe({
      ...env,
      ADMIN_PORT: '0',
      MAIL_TRANSPORT: 'mailgun',
      MAILGUN_API_KEY: 'key-test-123456',
      MAILGUN_DOMAIN: 'mg.example.com',
      MAILGUN_URL: fake.url,
    });
    const admin = String(serve.logs().find((line) => line.admin)!.admin);
    await serve.waitForLog((line) => String(line.msg).startsWith('mail relay paused'));
    expect(await statusOfPageAt(`${serve.url}/login`, mailEnv.PUBLIC_ORIGIN)).toBe(200);
    const paused = (await (await fetch(`${admin}/status`)).json()) as { mail: Record<string, unknown> };
    expect(paused.mail).toMatchObject({ relay: 'paused', problem: 'Mailgun refused the API key (401)' });
    const status = await runCli(['mail', 'status'], env);
    expect(status.stdout).toContain('Mail relay: PAUSED since');
    expect(status.stdout).toContain('Mailgun refused the API key (401). No email is failed for it');
    const one = await runCli(['mail', 'status', 'C-1'], env);
    expect(one.stdout).toContain('requested; waiting for the mail relay');
    expect(one.stdout).toContain('Mail relay: PAUSED since');

    fake.failWhen(null);
    await serve.waitForLog((line) => line.msg === 'mail relay resumed: mail goes out again');
    await serve.waitForLog((line) => line.msg === 'email sent');
    expect(fake.messages.map((message) => message.to)).toEqual(['olivia.nguyen@example.com']);
    const running = (await (await fetch(`${admin}/status`)).json()) as { mail: Record<string, unknown> };
    expect(running.mail).toEqual({ relay: 'running', transport: 'mailgun' });
    expect(serve.logs().filter((line) => /^mail relay (paused|resumed)/.test(String(line.msg)))).toHaveLength(2);
    expect((await runCli(['mail', 'status', 'C-1'], env)).stdout).toContain('Mail relay: sending');
  });
});
