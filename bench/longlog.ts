import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openApp, type App } from '../src/app/context.ts';
import { rebuildAndCompare } from '../src/app/audit.ts';
import { loadConfig } from '../src/config.ts';
import { computeChainHash } from '../src/eventstore/chain.ts';
import { copyEventStore } from '../src/eventstore/copy.ts';
import { openPostgresEventStore } from '../src/eventstore/postgres.ts';
import type { EventStore, StoredLink } from '../src/eventstore/port.ts';
import { openSqliteEventStore } from '../src/eventstore/sqlite.ts';
import { verifyChain } from '../src/eventstore/verify.ts';
import { benchActor, dropSchema, newBenchSchema, twoDecimals } from './support.ts';

const defaultConnectionString = 'postgres://postgres@127.0.0.1:5432/test';
/** Four events per client: registered, user name reserved, login assigned, credentials email requested. */
const defaultClients = 250_000;
const pageSize = 5_000;

/**
 * A log of 1,000,000 events, in SQLite and then (copied by `store copy`'s code) in PostgreSQL,
 * and on each what an operator runs on a long log: `audit verify`, a fresh instance's catch-up
 * (`openApp` with a new read-model file, which catches up before it serves), and `audit rebuild
 * --check` (a second replay into memory, compared row by row with the instance's read models).
 * Each must finish; the times are the figures. Several minutes, so only on request.
 */
export async function benchLongLog(
  connectionString = defaultConnectionString,
  clients = defaultClients,
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-longlog-'));
  const schema = newBenchSchema();
  const file = join(dir, 'events.sqlite');
  try {
    const sqlite = openSqliteEventStore(file);
    const written = await timed(() => writeSyntheticLog(sqlite, clients));
    const sqliteFigures = await auditsOf(sqlite, clients * 4, `sqlite:${file}`, join(dir, 'sqlite-instance'));
    const postgres = await openPostgresEventStore(connectionString, { schema });
    const copied = await timed(() => copyEventStore(sqlite, postgres));
    const postgresUrl = `${connectionString}${connectionString.includes('?') ? '&' : '?'}schema=${schema}`;
    const postgresFigures = await auditsOf(postgres, clients * 4, postgresUrl, join(dir, 'postgres-instance'));
    await postgres.close();
    await sqlite.close();
    return {
      events: clients * 4,
      sqlite: { writeSeconds: written.seconds, ...sqliteFigures },
      postgres: {
        storeCopySeconds: copied.seconds,
        storeCopyEventsPerSecond: Math.round((clients * 4) / copied.seconds),
        ...postgresFigures,
      },
    };
  } finally {
    await dropSchema(connectionString, schema);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function auditsOf(store: EventStore, events: number, location: string, dataDir: string) {
  const verify = await timed(() => verifyChain(store));
  if (!verify.result.ok || verify.result.eventsChecked !== events) throw new Error(`${location} does not verify`);
  const catchUp = await timed(() => openInstance(location, dataDir));
  const app = catchUp.result;
  try {
    if (app.deps.readModels.checkpoint() !== String(events)) throw new Error(`the instance on ${location} lags`);
    const rebuild = await timed(() => rebuildAndCompare(store, app.deps.readModels));
    if (!rebuild.result.equal || rebuild.result.eventsReplayed !== events)
      throw new Error(`audit rebuild --check on ${location} found differences`);
    const perSecond = (seconds: number) => Math.round(events / seconds);
    return {
      verifySeconds: verify.seconds,
      verifyEventsPerSecond: perSecond(verify.seconds),
      freshInstanceCatchUpSeconds: catchUp.seconds,
      freshInstanceCatchUpEventsPerSecond: perSecond(catchUp.seconds),
      rebuildCheckSeconds: rebuild.seconds,
      rebuildCheckEventsPerSecond: perSecond(rebuild.seconds),
    };
  } finally {
    await app.close();
  }
}

/** Written as copied pages (one transaction each): provisioning 250,000 clients for real takes too long here. */
async function writeSyntheticLog(store: EventStore, clients: number): Promise<void> {
  let prevHash = '';
  let position = 0;
  let page: StoredLink[] = [];
  for (let i = 0; i < clients; i++) {
    for (const part of clientEvents(i)) {
      position += 1;
      const fields = { position: String(position), id: randomUUID(), ...part };
      const hash = computeChainHash(prevHash, fields);
      page.push({ ...fields, prevHash, hash });
      prevHash = hash;
    }
    if (page.length >= pageSize) {
      await store.appendLinks(page);
      page = [];
    }
  }
  if (page.length > 0) await store.appendLinks(page);
}

/** One client's events as a provisioned business's log holds them. */
function clientEvents(i: number) {
  const clientId = `L${100000 + i}`;
  const userName = `client${i}@example.com`;
  const metadataJson = (command: string) =>
    JSON.stringify({
      actor: benchActor,
      commandId: `longlog:${command}:${clientId}`,
      at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    });
  const part = (stream: string, revision: number, type: string, data: unknown, command: string) => ({
    stream,
    revision,
    type,
    dataJson: JSON.stringify(data),
    metadataJson: metadataJson(command),
  });
  return [
    part(
      `client-${clientId}`,
      0,
      'ClientRegistered',
      { clientId, firstName: `First${i}`, lastName: `Last${i}`, email: userName, altEmail: null, active: true },
      'import',
    ),
    part(`username-${userName}`, 0, 'UserNameReserved', { userName, clientId }, 'assign'),
    part(`credential-${clientId}`, 0, 'LoginAssigned', { clientId, userName }, 'assign'),
    part(
      `credential-${clientId}`,
      1,
      'CredentialsEmailRequested',
      { clientId, requestId: `longlog:email:${clientId}` },
      'email',
    ),
  ];
}

/** A fresh `latchkey serve` instance: new data folder and read-model file, no mail relay. */
async function openInstance(location: string, dataDir: string): Promise<App> {
  mkdirSync(dataDir, { recursive: true });
  return openApp(
    loadConfig({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_STORE: location, MAIL_RELAY: 'false', LOG_LEVEL: 'silent' }),
  );
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: twoDecimals((performance.now() - started) / 1000) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const clients = process.argv[3] ? Number(process.argv[3]) : undefined;
  console.log(JSON.stringify(await benchLongLog(process.argv[2], clients), null, 2));
}
