// `tenantScale`: does hosting many small businesses cost what hosting one big one does? Login
// and append rates against a log of 100 businesses × 1,000 clients, each divided by the same
// figure against 1 business × 100,000 clients, measured in the same run. Reported, not asserted.
// Runnable alone: `node --import tsx bench/tenant-scale.ts` prints JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { forBusiness } from '../src/app/business-scope.ts';
import { defaultBusinessSettings, registerBusiness } from '../src/app/businesses.ts';
import { openApp, type App } from '../src/app/context.ts';
import { waitUntilReadable, type AppDeps } from '../src/app/deps.ts';
import { importClients } from '../src/app/directory.ts';
import { assignLogin, issueTempPassword } from '../src/app/logins.ts';
import { toNewEvents } from '../src/app/record-event.ts';
import { choosePermanentPassword, signIn } from '../src/app/sign-in.ts';
import { defaultBusinessId } from '../src/domain/business.ts';
import { clientStream } from '../src/domain/client.ts';
import { loadConfig } from '../src/config.ts';
import { createHttpApp } from '../src/http/app.ts';
import { startHttpServer } from '../src/http/server.ts';
import { benchActor, syntheticClientRows, twoDecimals } from './support.ts';

const passwordOf = (i: number) => `juniper ${i} lantern otter meadow`;
/** Hashing is cheap here (N=2^10) so the log's size, not scrypt, is what a login's cost shows. */
const scryptParams = { N: 2 ** 10, r: 8, p: 1 };

export interface TenantScaleOptions {
  /** Clients in all, the same on both sides (default 100,000). */
  readonly clients?: number;
  /** Businesses on the many-business side (default 100). */
  readonly businesses?: number;
  readonly logins?: number;
  readonly appends?: number;
  readonly concurrency?: number;
}

export async function benchTenantScale(options: TenantScaleOptions = {}): Promise<Record<string, unknown>> {
  const clients = options.clients ?? 100_000;
  const businesses = options.businesses ?? 100;
  const logins = options.logins ?? 400;
  const appends = options.appends ?? 500;
  const concurrency = options.concurrency ?? 8;
  const many = await measure({ businesses, clients, logins, appends, concurrency });
  const one = await measure({ businesses: 1, clients, logins, appends, concurrency });
  return {
    clients,
    logins,
    appends,
    concurrency,
    scrypt: scryptParams,
    manyBusinesses: { businesses, clientsEach: clients / businesses, ...many },
    oneBusiness: { businesses: 1, clientsEach: clients, ...one },
    loginRatio: twoDecimals(many.loginsPerSecond / one.loginsPerSecond),
    appendRatio: twoDecimals(many.appendsPerSecond / one.appendsPerSecond),
    target: '>= 0.9',
  };
}

interface Shape {
  readonly businesses: number;
  readonly clients: number;
  readonly logins: number;
  readonly appends: number;
  readonly concurrency: number;
}

/**
 * Seeds `businesses` businesses of `clients / businesses` clients each (the clients by direct
 * appends of ClientRegistered, as an import would record them), then measures the last business:
 * logins over real HTTP on its own Host, and client registrations through the import command.
 */
async function measure(shape: Shape) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-tenants-'));
  const config = loadConfig({
    LATCHKEY_DATA_DIR: dir,
    PUBLIC_ORIGIN: 'http://default.localhost',
    LOG_LEVEL: 'silent',
    IP_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const app = await openApp(config, { pollIntervalMs: 50, scryptParams });
  try {
    const seedStarted = performance.now();
    const defaults = defaultBusinessSettings(config);
    const each = Math.floor(shape.clients / shape.businesses);
    let measured: { deps: AppDeps; origin: string } | null = null;
    let last: string | null = null;
    for (let b = 0; b < shape.businesses; b++) {
      const businessId = b === 0 ? defaultBusinessId : `tenant${b}`;
      const origin = b === 0 ? config.publicOrigin : `http://tenant${b}.localhost`;
      if (b > 0) {
        const registered = await registerBusiness(
          app.deps,
          { businessId, settings: { ...defaults, name: `Tenant ${b}`, publicOrigin: origin } },
          defaults,
          { actor: benchActor },
        );
        if (!registered.ok) throw new Error(registered.error.message);
      }
      const deps = forBusiness(app.deps, businessId);
      last = (await seedClients(deps, each)) ?? last;
      measured = { deps, origin };
    }
    await waitUntilReadable(app.deps, last);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const { deps, origin } = measured!;
    await createAccounts(deps, shape.concurrency);
    const login = await loginRate(app, origin, shape.logins, shape.concurrency);
    const append = await appendRate(deps, shape.appends);
    return { seedSeconds: twoDecimals(seedSeconds), ...login, ...append };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `count` clients registered in the business `deps` acts as, one stream each; appended 500 at a
 * time, so the store commits them in groups as it does concurrent commands.
 */
async function seedClients(deps: AppDeps, count: number): Promise<string | null> {
  const rows = syntheticClientRows(count);
  let position: string | null = null;
  for (let from = 0; from < rows.length; from += 500) {
    const appended = await Promise.all(
      rows.slice(from, from + 500).map((row, i) => {
        const clientId = row.clientId!;
        const stream = clientStream(deps.businessId, clientId);
        const context = {
          businessId: deps.businessId,
          commandId: `bench-seed-${deps.businessId}-${from + i}`,
          actor: benchActor,
          at: deps.clock.now(),
        };
        const events = [{ type: 'ClientRegistered' as const, data: { ...row.details!, clientId } }];
        return deps.store.append(stream, toNewEvents(stream, events, context), { expected: 'no_stream' });
      }),
    );
    position = appended.at(-1)!.position;
  }
  return position;
}

/** One account per concurrent visitor, each with a permanent password. */
async function createAccounts(deps: AppDeps, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    line: i + 2,
    clientId: `login-${i}`,
    details: {
      firstName: 'Login',
      lastName: `Client${i}`,
      email: `login${i}@example.com`,
      altEmail: null,
      active: true,
    },
    errors: [],
    warnings: [],
  }));
  await importClients(deps, { rows, fileError: null }, { dryRun: false }, { actor: benchActor });
  for (let i = 0; i < count; i++) {
    const clientId = `login-${i}`;
    const userName = `login.client${i}`;
    await assignLogin(deps, { clientId, userName }, { actor: benchActor });
    const temp = await issueTempPassword(deps, { clientId, delivery: 'shown_to_staff' }, { actor: benchActor });
    if (!temp.ok) throw new Error(temp.error.message);
    await signIn(deps, { userName, password: temp.value.password }, {});
    const chosen = await choosePermanentPassword(
      deps,
      { clientId, newPassword: passwordOf(i) },
      { actor: { kind: 'client', id: clientId } },
    );
    if (!chosen.ok) throw new Error(chosen.error.message);
  }
}

/** A fixed number of logins posted to a real server on loopback with the business's Host. */
async function loginRate(app: App, origin: string, count: number, concurrency: number) {
  const server = await startHttpServer(createHttpApp(app), { port: 0, host: '127.0.0.1' });
  let next = 0;
  try {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        const body = new URLSearchParams({
          username: `login.client${worker}`,
          password: passwordOf(worker),
        }).toString();
        while (next++ < count) {
          const response = await request(`${server.url}/login`, {
            method: 'POST',
            headers: { host: new URL(origin).host, origin, 'content-type': 'application/x-www-form-urlencoded' },
            body,
          });
          await response.body.arrayBuffer();
          if (response.statusCode !== 303) throw new Error(`login answered ${response.statusCode}, not 303`);
        }
      }),
    );
    return { loginsPerSecond: Math.round((count / (performance.now() - started)) * 1000) };
  } finally {
    await server.close();
  }
}

/** A fixed number of new clients, each registered by its own import command (one append each). */
async function appendRate(deps: AppDeps, count: number) {
  const rows = syntheticClientRows(count).map((row, i) => ({ ...row, clientId: `new-${i}` }));
  const started = performance.now();
  for (const row of rows)
    await importClients(deps, { rows: [row], fileError: null }, { dryRun: false }, { actor: benchActor });
  return { appendsPerSecond: Math.round((count / (performance.now() - started)) * 1000) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await benchTenantScale(), null, 2)}\n`);
}
