import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { freePort, startServe, type ServeProcess } from '../support/serve.ts';
import { Visitor } from '../scale/support.ts';

/** The sign-in lines the demo prints for one business, found by its origin. */
function printedLogin(stdout: string, origin: string): { userName: string; password: string } {
  const block = stdout.slice(stdout.indexOf(`open ${origin}/login`));
  return {
    userName: /User name: +(\S+)/.exec(block)![1]!,
    password: /Temporary password: (\S+)/.exec(block)![1]!,
  };
}

describe('latchkey demo with two businesses', () => {
  let dir: string;
  let port: number;
  let first: string;
  let serve: ServeProcess | null = null;
  const env = () => ({ LATCHKEY_DATA_DIR: dir, PORT: String(port) });
  const happyPaws = () => `http://happypaws.localhost:${port}`;
  const waggingTails = () => `http://waggingtails.localhost:${port}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
    port = await freePort();
    const demo = await runCli(['demo'], env());
    expect(demo.code).toBe(0);
    first = demo.stdout;
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a sign-in for each business on its own origin', () => {
    expect(first).toContain(`Happy Paws (happypaws): 12 clients, open ${happyPaws()}/login`);
    expect(first).toContain(`Wagging Tails (waggingtails): 13 clients, open ${waggingTails()}/login`);
  });

  it('running it again adds no business and no client, and prints fresh passwords', async () => {
    const again = await runCli(['demo'], env());
    expect(again.code).toBe(0);
    expect(printedLogin(again.stdout, happyPaws()).password).not.toBe(printedLogin(first, happyPaws()).password);
    const list = await runCli(['business', 'list'], env());
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual(['default', 'happypaws', 'waggingtails']);
    // Every client once (D1009 of Happy Paws has no email, so no search by mail finds it).
    for (const [businessId, withEmail] of [
      ['happypaws', 11],
      ['waggingtails', 13],
    ] as const) {
      const clients = await runCli(['--business', businessId, 'clients', 'search', 'example.com'], env());
      expect(clients.code).toBe(0);
      const ids = clients.stdout.match(/\bD\d{4}\b/g) ?? [];
      expect(ids).toHaveLength(withEmail);
      expect(new Set(ids).size).toBe(withEmail);
    }
    first = again.stdout;
  }, 60_000);

  it('serve answers on both hosts; each signs in with its printed password, and a session of one is refused on the other', async () => {
    serve = await startServe(env());
    const instance = { url: serve.url, stop: async () => {} };
    const happy = new Visitor(happyPaws());
    const wagging = new Visitor(waggingTails());
    for (const [visitor, origin] of [
      [happy, happyPaws()],
      [wagging, waggingTails()],
    ] as const) {
      const page = await visitor.get(instance, '/login');
      expect(page.status).toBe(200);
      const { userName, password } = printedLogin(first, origin);
      const signIn = await visitor.post(instance, '/login', { username: userName, password });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get('location')).toBe('/choose-password');
    }
    expect(await (await happy.get(instance, '/choose-password')).text()).toContain('Happy Paws');
    // Wagging Tails's session cookie, sent to Happy Paws's host, is not a session there.
    const crossed = new Visitor(happyPaws());
    (crossed as unknown as { cookie: string | null }).cookie = (wagging as unknown as { cookie: string | null }).cookie;
    const refused = await crossed.get(instance, '/choose-password');
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe('/login');
    expect((await wagging.get(instance, '/choose-password')).status).toBe(200);
  }, 60_000);
});
