import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { escapeIdentifier, Pool } from 'pg';
import { openApp, type App } from '../src/app/context.ts';
import { importClients } from '../src/app/directory.ts';
import { changeLoginAccess } from '../src/app/logins.ts';
import { provisionAll } from '../src/app/provision.ts';
import { loadConfig } from '../src/config.ts';
import { copyEventStore } from '../src/eventstore/copy.ts';
import { linkColumns, openPostgresEventStore } from '../src/eventstore/postgres.ts';
import type { EventStore } from '../src/eventstore/port.ts';
import { openSqliteEventStore } from '../src/eventstore/sqlite.ts';
import { verifyChain } from '../src/eventstore/verify.ts';
import { openReadModels, runProjections } from '../src/projections/read-models.ts';
import { benchActor, dropSchema, newBenchSchema, syntheticClientRows, twoDecimals } from './support.ts';

const defaultConnectionString = 'postgres://postgres@127.0.0.1:5432/test';
const clients = 10_000;
const catchUpRounds = 3;
const copyRounds = 2;
const propagationSamples = 20;
/** openApp's default: how long a caught-up subscriber sleeps when no NOTIFY wakes it. */
const pollIntervalMs = 250;
const actor = benchActor;

/**
 * What per-instance local read models cost on PostgreSQL: how fast a fresh instance catches up
 * from the shared log (against a raw SELECT scan and a bare adapter read of the same rows, in the
 * same run), and how long a command acknowledged by instance A takes to reach instance B's read
 * model. Also the `store copy` rate into PostgreSQL against a bulk insert of the same rows.
 */
export async function benchScale(connectionString = defaultConnectionString): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-scale-'));
  const schemas = Array.from({ length: 1 + 2 * copyRounds }, newBenchSchema);
  const pool = new Pool({ connectionString, max: 2 });
  const opened: { close(): Promise<void> }[] = [];
  try {
    const seedFile = await provisionedLog(mkdtempSync(join(dir, 'seed-')), clients);
    const source = openSqliteEventStore(seedFile, { readonly: true });
    opened.push(source);
    const store = await openPostgresEventStore(connectionString, { schema: schemas[0]! });
    opened.push(store);
    const bulk = await bulkInsert(source, pool, schemas[0]!);
    const verified = await verifyChain(store);
    if (!verified.ok || verified.eventsChecked !== bulk.events) throw new Error('the bulk-loaded log does not verify');

    const catchUp = await measureCatchUp(pool, store, schemas[0]!, bulk.events, dir, (name) =>
      openInstance(connectionString, schemas[0]!, mkdtempSync(join(dir, `${name}-`))),
    );
    opened.push(...catchUp.instances);
    const propagation = await measurePropagation(catchUp.instances[0]!, catchUp.instances[1]!);
    const copy = await measureCopy(connectionString, source, pool, schemas, bulk.seconds);
    return {
      log: { provisionedClients: clients, events: bulk.events },
      catchUpEventsPerSecond: {
        catchUp: catchUp.catchUpPerSecond,
        adapterReadOnly: catchUp.readPerSecond,
        rawSelect: catchUp.rawPerSecond,
        ratioToRawSelect: twoDecimals(catchUp.catchUpPerSecond / catchUp.rawPerSecond),
        target: 0.7,
        freshInstance: catchUp.instancePerSecond,
        freshInstanceRatioToRawSelect: twoDecimals(catchUp.instancePerSecond / catchUp.rawPerSecond),
        freshInstanceStartSeconds: catchUp.instanceSeconds,
        rounds: catchUpRounds,
      },
      propagationMs: { ...propagation, samples: propagationSamples, pollIntervalMs },
      storeCopyToPostgres: {
        events: bulk.events,
        copyEventsPerSecond: copy.copyPerSecond,
        bulkInsertRowsPerSecond: copy.bulkPerSecond,
        ratioToBulkInsert: twoDecimals(copy.copyPerSecond / copy.bulkPerSecond),
        target: 0.5,
        rounds: copyRounds,
      },
    };
  } finally {
    for (const handle of opened.reverse()) await handle.close();
    await pool.end();
    for (const schema of schemas) await dropSchema(connectionString, schema);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The log a business of `count` clients has after import and "provision everyone" with emails. */
async function provisionedLog(dataDir: string, count: number): Promise<string> {
  const app = await openApp(
    loadConfig({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_READ_MODELS: ':memory:', LOG_LEVEL: 'silent' }),
  );
  const rows = syntheticClientRows(count);
  await importClients(app.deps, { rows, fileError: null }, { dryRun: false }, { actor });
  const { tally } = await provisionAll(app.deps, { sendEmail: true }, { actor });
  await app.close();
  if (tally.succeeded !== count) throw new Error(`provisioned ${tally.succeeded} of ${count}`);
  return join(dataDir, 'events.sqlite');
}

/**
 * The baseline for `store copy`: the rows it writes (same positions, so the same hashes), inserted
 * with no checks in one multi-row INSERT per page; verifyChain then proves them.
 */
async function bulkInsert(source: EventStore, pool: Pool, schema: string) {
  const insert = `INSERT INTO ${escapeIdentifier(schema)}.events (position, id, stream, revision, type, data, metadata, prev_hash, hash)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`;
  const started = performance.now();
  let events = 0;
  for (let after: string | null = null; ;) {
    const links = await source.readLinks({ after, limit: 5_000 });
    if (links.length === 0) break;
    await pool.query(insert, linkColumns(links));
    events += links.length;
    after = links[links.length - 1]!.position;
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.query(`ANALYZE ${escapeIdentifier(schema)}.events`);
  return { events, seconds };
}

/**
 * Rounds alternate a raw scan, a bare adapter read and a catch-up (the subscription an instance
 * runs, into a new read-model file), so a shared machine's changing load falls on all three; the
 * best round of each counts. Two fresh instance starts (which catch their new read-model files up
 * before serving) follow; they stay open for the propagation test.
 */
async function measureCatchUp(
  pool: Pool,
  store: EventStore,
  schema: string,
  events: number,
  dir: string,
  startInstance: (name: string) => Promise<App>,
) {
  const best = { raw: Infinity, read: Infinity, catchUp: Infinity, instance: Infinity };
  for (let round = 0; round < catchUpRounds; round++) {
    best.raw = Math.min(best.raw, await timed(() => rawScan(pool, schema, events)));
    best.read = Math.min(best.read, await timed(() => adapterRead(store, events)));
    best.catchUp = Math.min(best.catchUp, await timed(() => catchUpReadModels(store, dir, round, events)));
  }
  const instances: App[] = [];
  for (const name of ['a', 'b']) {
    best.instance = Math.min(best.instance, await timed(async () => instances.push(await startInstance(name))));
    if (instances.at(-1)!.deps.readModels.checkpoint() !== String(events))
      throw new Error(`instance ${name} did not catch up`);
  }
  const perSecond = (seconds: number) => Math.round(events / seconds);
  return {
    instances,
    rawPerSecond: perSecond(best.raw),
    readPerSecond: perSecond(best.read),
    catchUpPerSecond: perSecond(best.catchUp),
    instancePerSecond: perSecond(best.instance),
    instanceSeconds: twoDecimals(best.instance),
  };
}

/** What an instance does at start, without the rest of its start-up: fill a new read-model file from the log. */
async function catchUpReadModels(store: EventStore, dir: string, round: number, events: number): Promise<void> {
  const readModels = openReadModels(join(mkdtempSync(join(dir, `catch-up-${round}-`)), 'read-models.sqlite'));
  const subscription = runProjections(store, readModels, { pollIntervalMs: 60_000 });
  try {
    await subscription.catchUp();
    if (readModels.checkpoint() !== String(events)) throw new Error('the catch-up stopped short');
  } finally {
    await subscription.stop();
    readModels.close();
  }
}

/** One query, rows parsed as the adapter parses them. */
async function rawScan(pool: Pool, schema: string, events: number): Promise<void> {
  const { rows } = await pool.query<{ data: string; metadata: string }>(
    `SELECT position, id, stream, revision, type, data, metadata, prev_hash, hash FROM ${escapeIdentifier(schema)}.events ORDER BY position`,
  );
  for (const row of rows) {
    JSON.parse(row.data);
    JSON.parse(row.metadata);
  }
  if (rows.length !== events) throw new Error(`the raw scan saw ${rows.length} events`);
}

/** readAll in the subscription's page size, applying nothing. */
async function adapterRead(store: EventStore, events: number): Promise<void> {
  let seen = 0;
  for (let after: string | null = null; ;) {
    const page = await store.readAll({ after, limit: 2_000 });
    if (page.length === 0) break;
    seen += page.length;
    after = page[page.length - 1]!.position;
  }
  if (seen !== events) throw new Error(`the adapter read saw ${seen} events`);
}

/** An app instance as `latchkey serve` builds it: its own read-model file, fed from the shared log. */
async function openInstance(connectionString: string, schema: string, dataDir: string): Promise<App> {
  const store = `${connectionString}${connectionString.includes('?') ? '&' : '?'}schema=${schema}`;
  return openApp(loadConfig({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_STORE: store, LOG_LEVEL: 'silent' }), {
    pollIntervalMs,
  });
}

/**
 * A staff command on A (revoke a client's sessions), then the wait until B's read model holds it.
 * "ack" is the command's own time on A (which includes A's read model catching up); "afterAck"
 * is how much later B had it. A and B share this process but nothing else: each has its own pool,
 * LISTEN connection and read-model file, so B learns of A's append only through PostgreSQL. Pauses between samples vary so they do not line up with B's polling.
 */
async function measurePropagation(a: App, b: App) {
  const ack: number[] = [];
  const afterAck: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < propagationSamples; i++) {
    await new Promise((resolve) => setTimeout(resolve, (i * 37) % pollIntervalMs));
    const clientId = `B${100000 + i}`;
    const started = performance.now();
    const revoked = await changeLoginAccess(a.deps, { clientId, action: 'revoke-sessions' }, { actor });
    if (!revoked.ok) throw new Error(revoked.error.message);
    const acknowledged = performance.now();
    await b.deps.projections.waitFor(a.deps.projections.checkpoint()!);
    const seenOnB = performance.now();
    if (
      b.deps.readModels.credentials.getCredential(clientId)?.sessionVersion !==
      a.deps.readModels.credentials.getCredential(clientId)?.sessionVersion
    ) {
      throw new Error(`B's read model disagrees with A's about ${clientId}`);
    }
    ack.push(acknowledged - started);
    afterAck.push(seenOnB - acknowledged);
    total.push(seenOnB - started);
  }
  return { commandAckOnA: summary(ack), onBAfterAck: summary(afterAck), onBFromCommandStart: summary(total) };
}

/**
 * `store copy` of the whole log into a new schema against a bulk insert of the same rows into
 * another, alternating; the first bulk insert (the seed, timed by the caller) is round one's.
 */
async function measureCopy(
  connectionString: string,
  source: EventStore,
  pool: Pool,
  schemas: readonly string[],
  firstBulkSeconds: number,
) {
  let bulkSeconds = firstBulkSeconds;
  let copySeconds = Infinity;
  let events = 0;
  for (let round = 0; round < copyRounds; round++) {
    const target = await openPostgresEventStore(connectionString, { schema: schemas[1 + 2 * round]! });
    try {
      copySeconds = Math.min(
        copySeconds,
        await timed(async () => (events = (await copyEventStore(source, target)).eventsCopied)),
      );
    } finally {
      await target.close();
    }
    if (round + 1 < copyRounds) {
      // Opened only to create the schema and its tables, as a fresh store has them.
      const bulkTarget = await openPostgresEventStore(connectionString, { schema: schemas[2 + 2 * round]! });
      await bulkTarget.close();
      bulkSeconds = Math.min(bulkSeconds, (await bulkInsert(source, pool, schemas[2 + 2 * round]!)).seconds);
    }
  }
  return { copyPerSecond: Math.round(events / copySeconds), bulkPerSecond: Math.round(events / bulkSeconds) };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => twoDecimals(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { median: at(0.5), p90: at(0.9), max: at(1) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchScale(process.argv[2]), null, 2));
}
