import { request } from 'undici';
// Whether the forgot pages tell, by their timing, a client who has a login from a stranger. The
// sharpest case is an email that matches but is inside its recovery cooldown (no mail to send)
// against one that matches nothing: their median answer times are compared in the same run,
// interleaved, over real HTTP on loopback. Target: a ratio of 0.9–1.1.
// Runnable alone: `node --import tsx bench/forgot.ts` prints JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openApp } from '../src/app/context.ts';
import { importClients } from '../src/app/directory.ts';
import { assignLogin } from '../src/app/logins.ts';
import { loadConfig } from '../src/config.ts';
import { createHttpApp } from '../src/http/app.ts';
import { startHttpServer } from '../src/http/server.ts';
import { benchActor, syntheticClientRows, twoDecimals } from './support.ts';

const publicOrigin = 'http://bench.localhost';

export async function benchForgot(options: { rounds?: number } = {}): Promise<Record<string, unknown>> {
  const rounds = options.rounds ?? 150;
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-forgot-'));
  const config = loadConfig({
    LATCHKEY_DATA_DIR: dir,
    PUBLIC_ORIGIN: publicOrigin,
    LOG_LEVEL: 'silent',
    IP_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const app = await openApp(config, { pollIntervalMs: 50 });
  const server = await startHttpServer(createHttpApp(app), { port: 0, host: '127.0.0.1' });
  try {
    const rows = syntheticClientRows(1);
    await importClients(app.deps, { rows, fileError: null }, { dryRun: false }, { actor: benchActor });
    await assignLogin(
      app.deps,
      { clientId: rows[0]!.clientId!, userName: 'client0@example.com' },
      { actor: benchActor },
    );
    const post = async (path: string, form: Record<string, string>) => {
      const started = performance.now();
      // undici's request sends the Host given (fetch would send the server's address), and the
      // site answers by the Host.
      const response = await request(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          host: new URL(publicOrigin).host,
          origin: publicOrigin,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form).toString(),
      });
      await response.body.arrayBuffer();
      return performance.now() - started;
    };
    // The first matched request starts the cooldown; every later one falls inside it.
    await post('/forgot-password', { identifier: 'client0@example.com' });
    await post('/forgot-username', { email: 'client0@example.com' });
    const times = {
      passwordCooling: [] as number[],
      passwordUnmatched: [] as number[],
      nameCooling: [] as number[],
      nameUnmatched: [] as number[],
    };
    for (let i = 0; i < rounds; i++) {
      const stranger = `stranger${i}@example.com`;
      times.passwordCooling.push(await post('/forgot-password', { identifier: 'client0@example.com' }));
      times.passwordUnmatched.push(await post('/forgot-password', { identifier: stranger }));
      times.nameCooling.push(await post('/forgot-username', { email: 'client0@example.com' }));
      times.nameUnmatched.push(await post('/forgot-username', { email: stranger }));
    }
    const ratio = (a: number[], b: number[]) => twoDecimals(median(a) / median(b));
    return {
      rounds,
      forgotTimingRatio: ratio(times.passwordCooling, times.passwordUnmatched),
      forgotUserNameTimingRatio: ratio(times.nameCooling, times.nameUnmatched),
      ratioTarget: '0.9–1.1',
      medianMs: Object.fromEntries(Object.entries(times).map(([name, list]) => [name, twoDecimals(median(list))])),
    };
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await benchForgot(), null, 2)}\n`);
}
