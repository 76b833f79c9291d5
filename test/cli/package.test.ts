import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../support/serve.ts';

const run = promisify(execFile);
const checkout = fileURLToPath(new URL('../..', import.meta.url));

/** A free port, so the default PUBLIC_ORIGIN (http://127.0.0.1:<PORT>) is the address the login form posts from. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/**
 * The package as a user gets it: `npm pack`, installed from the tarball into an empty folder far
 * from the checkout (dependencies from the registry; better-sqlite3 may compile for a minute), and
 * run from there with the folder's own ./data. Nothing may reach back into the checkout: no tsx,
 * no tsconfig, no sources.
 */
describe('the packed package, installed elsewhere', () => {
  let work: string;
  let folder: string;
  let latchkey: string;
  const env = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'latchkey-pack-'));
    await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: checkout, maxBuffer: 2 ** 24 });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
    folder = join(work, 'somewhere-else');
    await run('mkdir', [folder]);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'trying-latchkey', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', join(work, tarball)], {
      cwd: folder,
      maxBuffer: 2 ** 24,
    });
    latchkey = join(folder, 'node_modules', '.bin', 'latchkey');
  }, 1_200_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships the built code, the templates and the site assets, and no TypeScript sources', async () => {
    const shipped = join(folder, 'node_modules', 'latchkey');
    expect(readdirSync(join(shipped, 'dist', 'cli'))).toContain('entry.js');
    expect(readdirSync(join(shipped, 'templates', 'email'))).toContain('client-login-credentials.html');
    expect(readdirSync(join(shipped, 'src', 'http', 'assets'))).toEqual(['favicon.svg', 'site.css', 'site.js']);
    expect(readdirSync(shipped)).not.toContain('test');
    expect(readdirSync(join(folder, 'node_modules'))).not.toContain('tsx');
  });

  it('demo, then serve: the login page answers and the demo password signs in; audit verify passes', async () => {
    const demo = await run(latchkey, ['demo'], { cwd: folder, env: env() });
    const password = /Temporary password: (\S+)/.exec(demo.stdout)![1]!;
    const userName = /User name: +(\S+)/.exec(demo.stdout)![1]!;
    expect(readdirSync(join(folder, 'data'))).toContain('events.sqlite');

    const port = await freePort();
    let serve: ServeProcess | null = null;
    try {
      serve = await startServe({ PORT: String(port) }, { args: [latchkey], cwd: folder });
      const origin = `http://127.0.0.1:${port}`;
      const page = await fetch(`${origin}/login`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('name="password"');
      const signIn = await fetch(`${origin}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: userName, password }),
      });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get('location')).toBe('/choose-password');
      expect(signIn.headers.getSetCookie().some((cookie) => cookie.startsWith('__Host-latchkey='))).toBe(true);
    } finally {
      expect(await serve?.stop()).toBe(0);
    }

    const verify = await run(latchkey, ['audit', 'verify'], { cwd: folder, env: env() });
    expect(verify.stdout).toMatch(/^The log is intact: \d+ events, every link verified\./);
  }, 120_000);
});
