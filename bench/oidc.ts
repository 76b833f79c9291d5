// `oidcCodeFlow`: complete authorization-code exchanges per second, the login excluded. A browser
// signed in at the provider asks for a code (the first-party app needs no consent, so the
// provider answers with the redirect at once) and the portal redeems it at the token endpoint
// with PKCE. The same provider runs on the durable store (SQLite, and PostgreSQL when it answers)
// and on oidc-provider's own in-memory development adapter, one after the other in this run.
// Target: the durable store at >= 0.5 of the in-memory one.
// Runnable alone: `node --import tsx bench/oidc.ts` prints JSON.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { forEachConcurrently } from '../src/app/concurrently.ts';
import { createHttpApp } from '../src/http/app.ts';
import { startHttpServer } from '../src/http/server.ts';
import { oidcHosting } from '../src/oidc/hosting.ts';
import { openPostgresOidcStore } from '../src/oidc/postgres-adapter.ts';
import { openOidcStore } from '../src/oidc/sqlite-adapter.ts';
import type { OidcAdapter, OidcStore } from '../src/oidc/store.ts';
import { givePermanentPassword, giveLogin, strongPassword } from '../test/http/support.ts';
import { addApp, Browser, freePort } from '../test/oidc/support.ts';
import { createTestApp, registerClients } from '../test/support/app.ts';
import { dropSchema, newBenchSchema, twoDecimals } from './support.ts';

const redirectUri = 'http://localhost:4996/callback';

export interface OidcBenchOptions {
  readonly exchanges?: number;
  readonly concurrency?: number;
  /** A PostgreSQL database for the PostgreSQL store's figure; none skips it. */
  readonly postgresUrl?: string | null;
}

export async function benchOidcCodeFlow(options: OidcBenchOptions = {}): Promise<Record<string, unknown>> {
  const exchanges = options.exchanges ?? 600;
  const concurrency = options.concurrency ?? 4;
  const memory = await exchangesPerSecond(inMemoryStore, exchanges, concurrency);
  const sqlite = await exchangesPerSecond(
    (dir) => Promise.resolve(openOidcStore(join(dir, 'oidc.sqlite'))),
    exchanges,
    concurrency,
  );
  const postgres = options.postgresUrl ? await benchPostgres(options.postgresUrl, exchanges, concurrency) : null;
  return {
    exchanges,
    concurrency,
    inMemoryExchangesPerSecond: memory,
    sqliteExchangesPerSecond: sqlite,
    sqliteRatio: twoDecimals(sqlite / memory),
    ...(postgres === null
      ? { postgres: 'skipped: no PostgreSQL' }
      : { postgresExchangesPerSecond: postgres, postgresRatio: twoDecimals(postgres / memory) }),
    target: '>= 0.5',
  };
}

async function benchPostgres(url: string, exchanges: number, concurrency: number): Promise<number> {
  const schema = newBenchSchema();
  try {
    return await exchangesPerSecond(() => openPostgresOidcStore(url, { schema }), exchanges, concurrency);
  } finally {
    await dropSchema(url, schema);
  }
}

/** oidc-provider's development adapter behind the store interface, with its own find-then-consume. */
async function inMemoryStore(): Promise<OidcStore> {
  // Not among the package's documented entry points, but the adapter the provider runs on without one.
  const module = (await import('oidc-provider/lib/adapters/memory_adapter.js' as string)) as {
    default: new (model: string) => Adapter;
  };
  const MemoryAdapter = module.default;
  class InMemory extends MemoryAdapter implements OidcAdapter {
    async consumeOnce(id: string): Promise<boolean> {
      const found = (await super.find(id)) as AdapterPayload | undefined;
      if (!found || found.consumed) return false;
      await super.consume(id);
      return true;
    }
  }
  const signingKeys = new Map<string, string>();
  return {
    adapterFor: () => InMemory,
    sessionsOfAccount: () => Promise.resolve([]),
    payloadsOfModel: () => Promise.resolve([]),
    readSigningKeys: (businessId) => Promise.resolve(signingKeys.get(businessId) ?? null),
    writeSigningKeys(businessId, sealed, expected) {
      if ((signingKeys.get(businessId) ?? null) !== expected) return Promise.resolve(false);
      signingKeys.set(businessId, sealed);
      return Promise.resolve(true);
    },
    sweep: () => Promise.resolve(0),
    close: () => Promise.resolve(),
  };
}

async function exchangesPerSecond(
  openStore: (dir: string) => Promise<OidcStore>,
  exchanges: number,
  concurrency: number,
): Promise<number> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = await createTestApp({ PUBLIC_ORIGIN: origin, MAIL_RELAY: 'false' });
  const store = await openStore(app.dir);
  const server = await startHttpServer(createHttpApp(app, { oidc: oidcHosting({ store, dataDir: app.dir }) }), {
    port,
    host: '127.0.0.1',
  });
  try {
    await registerClients(app, [{ clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: null }]);
    await giveLogin(app, 'C1', 'olivia');
    await givePermanentPassword(app, 'C1', 'olivia', strongPassword);
    const portal = await addApp(app, 'default', redirectUri);
    const basic = `Basic ${Buffer.from(`${portal.appId}:${portal.clientSecret}`).toString('base64')}`;
    const browser = new Browser();

    const authorizeUrl = (challenge: string) => {
      const url = new URL(`${origin}/oidc/auth`);
      url.search = new URLSearchParams({
        client_id: portal.appId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid profile',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: randomBytes(8).toString('hex'),
      }).toString();
      return url;
    };
    // The one login, through Latchkey's own form.
    const first = await browser.follow(
      authorizeUrl(challengeOf('warm-up-verifier-0123456789-abcdefghijklmnop')),
      `${origin}/login`,
    );
    const returnTo = first.url.searchParams.get('return');
    if (!returnTo) throw new Error('the provider did not ask for the login');
    await browser.post(`${origin}/login`, { username: 'olivia', password: strongPassword, return: returnTo });
    await browser.follow(new URL(returnTo, origin), redirectUri);

    const exchange = async () => {
      const verifier = randomBytes(32).toString('base64url');
      const back = await browser.follow(authorizeUrl(challengeOf(verifier)), redirectUri);
      const code = back.url.searchParams.get('code');
      if (!code) throw new Error(`no code at ${back.url.href}`);
      const answer = await fetch(`${origin}/oidc/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }),
      });
      const tokens = (await answer.json()) as { id_token?: string };
      if (!answer.ok || !tokens.id_token)
        throw new Error(`the token endpoint answered ${answer.status}: ${JSON.stringify(tokens)}`);
    };
    await forEachConcurrently(Array.from({ length: 20 }), concurrency, exchange);
    const started = performance.now();
    await forEachConcurrently(Array.from({ length: exchanges }), concurrency, exchange);
    return Math.round(exchanges / ((performance.now() - started) / 1000));
  } finally {
    await server.close();
    await store.close();
    await app.dispose();
  }
}

const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchOidcCodeFlow({ postgresUrl: 'postgres://postgres@127.0.0.1:5432/test' });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
