import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { latchkeyArgs, runCli } from '../support/cli.ts';
import { freePort, startServe, type ServeProcess } from '../support/serve.ts';

const slackEnv = (apiUrl: string) => ({
  SLACK_BOT_TOKEN: 'xoxb-revoked-token',
  SLACK_SIGNING_SECRET: 'a-signing-secret-of-some-length',
  SLACK_TEAM_ID: 'T0TEAM',
  SLACK_STAFF_USER_IDS: 'U0STAFF',
  SLACK_API_URL: apiUrl,
});

async function listen(server: Server | HttpServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
}

const slackLines = (serve: ServeProcess) =>
  serve.logs().filter((line) => (line.component === 'slack' && line.level !== 30) || line.slack !== undefined);

describe('latchkey serve', () => {
  let dir: string;
  let serve: ServeProcess | null = null;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-serve-'));
  });
  afterEach(async () => {
    await serve?.stop();
    serve = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('/health says only that it is alive, and every answer carries the security headers', async () => {
    serve = await startServe({ LATCHKEY_DATA_DIR: dir });
    const health = await fetch(`${serve.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const missing = await fetch(`${serve.url}/no-such-page`);
    expect(missing.status).toBe(404);
    for (const response of [health, missing]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    // The login page keeps its own policy, which allows our scripts and styles.
    const login = await fetch(`${serve.url}/login`);
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${serve.url}/status`)).status).toBe(404);
  });

  it('the start-up line names the address to open and where dev mail goes', async () => {
    serve = await startServe({ LATCHKEY_DATA_DIR: dir });
    const line = serve.logs().find((entry) => String(entry.msg).startsWith('Latchkey is serving'))!;
    expect(line.msg).toBe(
      `Latchkey is serving: open ${serve.url}/login; dev mail goes to ${serve.url}/dev/outbox (files in ${join(dir, 'outbox')})`,
    );
  });

  it("serves the default business's OpenID Connect discovery, with oidc-provider's load-time notice in the log", async () => {
    const dataDir = join(dir, 'oidc');
    mkdirSync(dataDir);
    serve = await startServe({ LATCHKEY_DATA_DIR: dataDir });
    const response = await fetch(`${serve.url}/oidc/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { issuer: string }).issuer).toBe(`${serve.url}/oidc`);
    // oidc-provider 9 warns on Node before 22 when it loads: a log line, never a line on stderr.
    const olderThan22 = Number(process.versions.node.split('.')[0]) < 22;
    const notices = serve.logs().filter((line) => line.library === 'oidc-provider');
    expect(notices.map((line) => [line.level, line.msg])).toEqual(
      olderThan22 ? [[40, expect.stringContaining('Unsupported runtime')]] : [],
    );
    expect(serve.stderr()).not.toContain('oidc-provider');
  });

  it('on its default origin, where it listens, and sends localhost on its port there', async () => {
    const port = String(await freePort());
    serve = await startServe({ LATCHKEY_DATA_DIR: dir, PORT: port });
    const origin = `http://127.0.0.1:${port}`;
    expect(serve.logs().find((line) => String(line.msg).startsWith('Latchkey is serving'))?.msg).toContain(
      `open ${origin}/login`,
    );
    expect((await fetch(`${origin}/login`)).status).toBe(200);
    const aliased = await fetch(`http://localhost:${port}/login?return=%2Faccount`, { redirect: 'manual' });
    expect(aliased.status).toBe(308);
    expect(aliased.headers.get('location')).toBe(`${origin}/login?return=%2Faccount`);
    const followed = await fetch(`http://localhost:${port}/login`);
    expect(followed.status).toBe(200);
    expect(followed.url).toBe(`${origin}/login`);
  });

  it('status, with the log head and the read models lag, is on the admin port only', async () => {
    const demo = await runCli(['demo'], { LATCHKEY_DATA_DIR: dir });
    expect(demo.code).toBe(0);
    serve = await startServe({ LATCHKEY_DATA_DIR: dir, ADMIN_PORT: '0' });
    const admin = String(serve.logs().find((entry) => entry.admin)!.admin);
    expect(admin).not.toBe(serve.url);
    const status = (await (await fetch(`${admin}/status`)).json()) as {
      ready: boolean;
      log: { head: string };
      readModels: { position: string; eventsBehind: number };
      mail: { relay: string };
      slack: unknown;
    };
    expect(status.ready).toBe(true);
    expect(Number(status.log.head)).toBeGreaterThan(0);
    expect(status.readModels).toEqual({ position: status.log.head, eventsBehind: 0 });
    expect(status.mail.relay).toBe('running');
    expect(status.slack).toBeNull();
    expect((await fetch(`${admin}/ready`)).status).toBe(200);
    const liveness = await fetch(`${admin}/health`);
    expect(await liveness.json()).toEqual({ ok: true });
    expect(liveness.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a bot token Slack refuses leaves the site answering, and is logged once', async () => {
    let checks = 0;
    const fakeSlack = createHttpServer((request, response) => {
      if (request.url?.endsWith('/auth.test')) checks += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ ok: false, error: 'token_revoked' }));
    });
    const port = await listen(fakeSlack);
    try {
      serve = await startServe({ LATCHKEY_DATA_DIR: dir, ...slackEnv(`http://127.0.0.1:${port}/api/`) });
      expect((await fetch(`${serve.url}/login`)).status).toBe(200);
      // The background check has asked twice: the second refusal is no news and adds no line.
      await waitUntil(() => checks >= 2);
      expect((await fetch(`${serve.url}/login`)).status).toBe(200);
      const lines = slackLines(serve);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.msg).toMatch(/^Slack refused the bot token \(token_revoked\).*SLACK_BOT_TOKEN/);
      expect(JSON.stringify(serve.logs())).not.toContain('xoxb-revoked-token');
      expect(serve.child.exitCode).toBeNull();
    } finally {
      fakeSlack.close();
    }
  });

  it('a Slack API that cannot be reached leaves the site answering, and is logged once', async () => {
    let attempts = 0;
    const sockets: Socket[] = [];
    const unreachable = createServer((socket) => {
      attempts += 1;
      sockets.push(socket);
      socket.destroy();
    });
    const port = await listen(unreachable);
    try {
      serve = await startServe({ LATCHKEY_DATA_DIR: dir, ...slackEnv(`http://127.0.0.1:${port}/api/`) });
      expect((await fetch(`${serve.url}/login`)).status).toBe(200);
      await waitUntil(() => attempts >= 2);
      await serve.waitForLog((line) => line.slack === 'unreachable');
      expect((await fetch(`${serve.url}/login`)).status).toBe(200);
      const lines = slackLines(serve);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.msg).toMatch(/^Slack's Web API cannot be reached .*the client site keeps serving/);
    } finally {
      unreachable.close();
    }
  });

  it('SIGTERM answers the request in flight before exiting', async () => {
    serve = await startServe({ LATCHKEY_DATA_DIR: dir });
    const { port } = new URL(serve.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    const body = 'userName=nobody&password=wrong-password-here';
    socket.write(
      `POST /login HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: http://localhost:${port}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n` +
        'Expect: 100-continue\r\nConnection: close\r\n\r\n',
    );
    // "100 Continue" means the server holds the request: it is in flight from here on.
    await waitUntil(() => answer.includes('100 Continue'));
    serve.child.kill('SIGTERM');
    await serve.waitForLog((line) => String(line.msg).startsWith('shutting down'));
    socket.end(body);
    const code = await serve.stop();
    // The whole answer arrived: its status line, then every byte its Content-Length promised.
    await waitUntil(() => socket.readableEnded || socket.destroyed);
    const [head = '', page = ''] = answer.replace('HTTP/1.1 100 Continue\r\n\r\n', '').split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 [2-4]\d\d /);
    expect(Buffer.byteLength(page)).toBe(Number(/content-length: (\d+)/i.exec(head)![1]));
    expect(code).toBe(0);
    expect(serve.logs().at(-1)!.msg).toBe('stopped');
    serve = null;
  });
});

describe('files Latchkey creates', () => {
  it('are for the owner alone under umask 022: stores, read models, secrets, the outbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-modes-'));
    const underUmask022 = ['bash', '-c', 'umask 022; exec "$0" "$@"', process.execPath, ...latchkeyArgs];
    const run = (args: string[]) =>
      new Promise<number | null>((resolve) => {
        spawn(underUmask022[0]!, [...underUmask022.slice(1), ...args], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', LATCHKEY_DATA_DIR: dir },
          stdio: 'ignore',
        }).on('exit', resolve);
      });
    let serve: ServeProcess | null = null;
    try {
      expect(await run(['demo'])).toBe(0);
      expect(await run(['mail', 'alert', '--group', 'ids', '--ids', 'D1001'])).toBe(0);
      serve = await startServe({ LATCHKEY_DATA_DIR: dir }, { args: underUmask022 });
      // The relay sends the requested email into the outbox.
      await waitUntil(() => readdirSync(dir).includes('outbox') && readdirSync(join(dir, 'outbox')).length >= 2);
      await fetch(`${serve.url}/login`);
      const modes: Record<string, string> = {};
      const walk = (folder: string) => {
        for (const name of readdirSync(folder)) {
          const path = join(folder, name);
          const stat = statSync(path);
          modes[path.slice(dir.length + 1)] = (stat.mode & 0o777).toString(8);
          if (stat.isDirectory()) walk(path);
        }
      };
      walk(dir);
      expect(Object.keys(modes)).toEqual(
        expect.arrayContaining(['events.sqlite', 'read-models.sqlite', 'pepper', 'session-secret', 'outbox']),
      );
      for (const [path, mode] of Object.entries(modes))
        expect({ path, mode }).toEqual({ path, mode: statSync(join(dir, path)).isDirectory() ? '700' : '600' });
      expect(statSync(dir).mode & 0o077).toBe(0);
    } finally {
      await serve?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
