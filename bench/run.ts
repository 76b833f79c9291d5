// `npm run bench [-- section …]` (it builds first: the `cli` section times the built command): every figure is measured against a baseline taken in the same
// run, on the same machine, and reported as a ratio or beside its target; nothing here is a
// pass/fail test. The PostgreSQL sections use the local server (postgres://postgres@127.0.0.1/test)
// and report why they were skipped when it cannot be reached.
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { benchCliStart } from './cli-start.ts';
import { benchCore, benchReplay } from './core.ts';
import { benchForgot } from './forgot.ts';
import { benchLogin, benchLoginOnLongStream } from './login.ts';
import { benchLongLog } from './longlog.ts';
import { benchOidcCodeFlow } from './oidc.ts';
import { benchPostgres } from './postgres.ts';
import { benchRelay } from './relay.ts';
import { benchScale } from './scale.ts';
import { benchTenantScale } from './tenant-scale.ts';

const postgresUrl = 'postgres://postgres@127.0.0.1:5432/test';

async function whenPostgresAnswers(run: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    return { skipped: `PostgreSQL at ${postgresUrl} did not answer: ${(error as Error).message}` };
  }
  return run();
}

const sections: Record<string, () => Promise<Record<string, unknown>>> = {
  cli: benchCliStart,
  core: benchCore,
  // The replay figure of `core` alone.
  replay: async () => ({ replay: await benchReplay() }),
  login: () => benchLogin(),
  loginOnLongStream: () => benchLoginOnLongStream(),
  forgot: () => benchForgot(),
  relay: () => benchRelay(),
  postgres: () => whenPostgresAnswers(() => benchPostgres(postgresUrl)),
  scale: () => whenPostgresAnswers(() => benchScale(postgresUrl)),
  longlog: () => whenPostgresAnswers(() => benchLongLog(postgresUrl)),
  tenantScale: () => benchTenantScale(),
  // The PostgreSQL figure only when the server answers; the SQLite and in-memory ones always.
  oidcCodeFlow: () =>
    whenPostgresAnswers(() => benchOidcCodeFlow({ postgresUrl })).then((result) =>
      'skipped' in result ? benchOidcCodeFlow({ postgresUrl: null }) : result,
    ),
};
// Minutes long: only when asked for by name.
const onRequestOnly = new Set(['longlog', 'tenantScale']);

const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in sections));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown bench section(s): ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}\n`,
  );
  process.exit(1);
}
const results: Record<string, unknown> = {
  machine: { node: process.version, cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
};
for (const [name, run] of Object.entries(sections)) {
  if (only.length > 0 ? !only.includes(name) : onRequestOnly.has(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await run();
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
