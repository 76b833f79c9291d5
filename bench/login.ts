// Login throughput over real HTTP against the raw scrypt capacity of the same machine, measured
// in the same run at the same parameters, and how long the event loop stalls under that load.
// Runnable alone: `node --import tsx bench/login.ts` prints JSON.
import { scrypt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openApp, type App } from '../src/app/context.ts';
import { importClients } from '../src/app/directory.ts';
import { assignLogin, issueTempPassword } from '../src/app/logins.ts';
import { defaultScryptParams } from '../src/app/password-hasher.ts';
import { toNewEvents } from '../src/app/record-event.ts';
import { choosePermanentPassword, signIn } from '../src/app/sign-in.ts';
import { credentialStream } from '../src/domain/credential/events.ts';
import { loadConfig } from '../src/config.ts';
import { createHttpApp } from '../src/http/app.ts';
import { startHttpServer } from '../src/http/server.ts';

const publicOrigin = 'http://bench.localhost';
const staff = { kind: 'system', id: 'bench' } as const;
const passwordOf = (i: number) => `juniper ${i} lantern otter meadow`;

export interface LoginBenchOptions {
  readonly logins?: number;
  readonly concurrency?: number;
}

export async function benchLogin(options: LoginBenchOptions = {}): Promise<Record<string, unknown>> {
  const logins = options.logins ?? 160;
  const concurrency = options.concurrency ?? 16;
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-login-'));
  const config = loadConfig({
    LATCHKEY_DATA_DIR: dir,
    PUBLIC_ORIGIN: publicOrigin,
    LOG_LEVEL: 'silent',
    IP_RATE_LIMIT_PER_MINUTE: '100000',
    HASHING_MAX_QUEUED: String(Math.max(64, concurrency * 2)),
  });
  const app = await openApp(config, { pollIntervalMs: 50 });
  try {
    await createAccounts(app, concurrency);
    const raw = await rawScryptCapacity(logins, config.hashingMaxConcurrent);
    const load = await loginLoad(app, logins, concurrency);
    const ratio = load.loginsPerSecond / raw.hashesPerSecond;
    return {
      scrypt: { ...defaultScryptParams, hashingMaxConcurrent: config.hashingMaxConcurrent },
      logins,
      concurrency,
      rawScryptPerSecond: round(raw.hashesPerSecond),
      loginsPerSecond: round(load.loginsPerSecond),
      ratio: round(ratio, 3),
      ratioTarget: '>= 0.9',
      latencyMs: { p50: round(load.latencyMs.p50), p99: round(load.latencyMs.p99) },
      eventLoopDelayP99Ms: round(load.eventLoopDelayP99Ms),
      eventLoopDelayTarget: '<= 20 ms',
      eventLoopDelayP99MsWhileOnlyHashing: round(raw.eventLoopDelayP99Ms),
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One account per concurrent client, each with a permanent password at the default parameters. */
async function createAccounts(app: App, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    line: i + 2,
    clientId: `bench-${i}`,
    details: {
      firstName: 'Bench',
      lastName: `Client${i}`,
      email: `bench${i}@example.com`,
      altEmail: null,
      active: true,
    },
    errors: [],
    warnings: [],
  }));
  await importClients(app.deps, { rows, fileError: null }, { dryRun: false }, { actor: staff });
  for (let i = 0; i < count; i++) {
    const clientId = `bench-${i}`;
    await assignLogin(app.deps, { clientId, userName: `bench.client${i}` }, { actor: staff });
    const temp = await issueTempPassword(app.deps, { clientId, delivery: 'shown_to_staff' }, { actor: staff });
    if (!temp.ok) throw new Error(temp.error.message);
    await signIn(app.deps, { userName: `bench.client${i}`, password: temp.value.password }, {});
    const chosen = await choosePermanentPassword(
      app.deps,
      { clientId, newPassword: passwordOf(i) },
      { actor: { kind: 'client', id: clientId } },
    );
    if (!chosen.ok) throw new Error(chosen.error.message);
  }
}

/**
 * What the machine can hash at the same parameters and the same concurrency, with nothing else
 * around it. The event loop's delay meanwhile is the floor this machine sets (other processes,
 * the thread pool), against which the login figure is read.
 */
async function rawScryptCapacity(
  count: number,
  parallel: number,
): Promise<{ hashesPerSecond: number; eventLoopDelayP99Ms: number }> {
  const { N, r, p } = defaultScryptParams;
  const one = () =>
    new Promise<void>((resolve, reject) =>
      scrypt(
        'a password of ordinary length',
        'sixteen byte salt',
        32,
        { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let next = 0;
  delay.enable();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < count) await one();
    }),
  );
  const elapsedMs = performance.now() - started;
  delay.disable();
  return { hashesPerSecond: (count / elapsedMs) * 1000, eventLoopDelayP99Ms: delay.percentile(99) / 1e6 };
}

/** Concurrent clients posting the login form to a real server on loopback, each to its own account. */
async function loginLoad(app: App, count: number, concurrency: number) {
  const server = await startHttpServer(createHttpApp(app), { port: 0, host: '127.0.0.1' });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const latencies: number[] = [];
  let next = 0;
  try {
    delay.enable();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        const body = new URLSearchParams({
          username: `bench.client${worker}`,
          password: passwordOf(worker),
        }).toString();
        while (next++ < count) {
          const sent = performance.now();
          const response = await fetch(`${server.url}/login`, {
            method: 'POST',
            redirect: 'manual',
            headers: { origin: publicOrigin, 'content-type': 'application/x-www-form-urlencoded' },
            body,
          });
          await response.arrayBuffer();
          if (response.status !== 303) throw new Error(`login answered ${response.status}, not 303`);
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    delay.disable();
    latencies.sort((a, b) => a - b);
    return {
      loginsPerSecond: (count / elapsedMs) * 1000,
      latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    };
  } finally {
    await server.close();
  }
}

/**
 * `loginOnLongStream`: the median login latency on a credential stream of 10,000 events ÷ the
 * same on one of 10 events, in one app, measured alternately. Hashing runs at a low cost here
 * (N=2^10) so the stream's share of a login is not hidden behind a 100 ms scrypt; the first login
 * on each stream (the one that writes its snapshot) is a warm-up and not counted.
 */
export async function benchLoginOnLongStream(
  options: { longEvents?: number; shortEvents?: number; rounds?: number } = {},
): Promise<Record<string, unknown>> {
  const longEvents = options.longEvents ?? 10_000;
  const shortEvents = options.shortEvents ?? 10;
  const rounds = options.rounds ?? 40;
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-long-stream-'));
  const config = loadConfig({ LATCHKEY_DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const app = await openApp(config, { pollIntervalMs: 50, scryptParams: { N: 2 ** 10, r: 8, p: 1 } });
  try {
    await createAccounts(app, 2);
    await padCredentialStream(app, 'bench-0', shortEvents);
    await padCredentialStream(app, 'bench-1', longEvents);
    const login = async (i: number) => {
      const started = performance.now();
      const result = await signIn(app.deps, { userName: `bench.client${i}`, password: passwordOf(i) }, {});
      if (!result.ok) throw new Error(`login ${i} failed: ${result.error.code}`);
      return performance.now() - started;
    };
    await login(0);
    await login(1);
    const short: number[] = [];
    const long: number[] = [];
    for (let round = 0; round < rounds; round++) {
      short.push(await login(0));
      long.push(await login(1));
    }
    const [shortMs, longMs] = [median(short), median(long)];
    return {
      streams: { shortEvents, longEvents },
      rounds,
      scrypt: { N: 2 ** 10, r: 8, p: 1 },
      shortStreamLoginMs: round(shortMs, 2),
      longStreamLoginMs: round(longMs, 2),
      loginOnLongStream: round(longMs / shortMs, 3),
      target: '<= 1.3',
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Grows a client's credential stream to `total` events with recorded successful logins. */
async function padCredentialStream(app: App, clientId: string, total: number): Promise<void> {
  const stream = credentialStream(app.deps.businessId, clientId);
  let length = (await app.deps.store.readStream(stream)).length;
  for (let page = 0; length < total; page++) {
    const count = Math.min(1_000, total - length);
    const events = Array.from({ length: count }, () => ({
      type: 'LoginSucceeded' as const,
      data: { clientId, method: 'password' as const },
    }));
    const context = {
      businessId: app.deps.businessId,
      commandId: `bench-pad-${clientId}-${page}`,
      actor: staff,
      at: app.deps.clock.now(),
    };
    await app.deps.store.append(stream, toNewEvents(stream, events, context), { expected: length - 1 });
    length += count;
  }
}

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const percentile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await benchLogin(), null, 2)}\n`);
}
