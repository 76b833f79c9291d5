import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { escapeIdentifier, Pool } from 'pg';
import { openPostgresEventStore } from '../src/eventstore/postgres.ts';
import type { EventStore, NewEvent } from '../src/eventstore/port.ts';
import { dropSchema, newBenchSchema, twoDecimals } from './support.ts';

const defaultConnectionString = 'postgres://postgres@127.0.0.1:5432/test';
const writers = 8;
const appendCount = 3_000;
// Adapter and raw runs alternate, so a shared server's changing load falls on both alike.
const appendRounds = 3;
const replayRounds = 5;
const replayCount = 20_000;
const replayPageSize = 5_000;

const metadata = { actor: { kind: 'system', id: 'bench' }, at: '2026-01-01T00:00:00.000Z' } as const;
const newEvent = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'UsernameReserved',
  data: { clientId: `client-${n}`, n },
  metadata,
});

/**
 * The PostgreSQL adapter against plain `pg` doing the least the same guarantees need, measured in
 * one run on one server: 8 concurrent writers appending one event each time to a new stream, and
 * a full replay. Ratios are adapter / raw throughput (targets: appends ≥ 0.7, replay ≥ 0.5).
 */
export async function benchPostgres(connectionString = defaultConnectionString): Promise<Record<string, unknown>> {
  const schema = newBenchSchema();
  const store = await openPostgresEventStore(connectionString, { schema, poolSize: writers });
  const pool = new Pool({ connectionString, max: writers });
  try {
    await pool.query(
      `CREATE TABLE ${escapeIdentifier(schema)}.raw_events (LIKE ${escapeIdentifier(schema)}.events INCLUDING ALL)`,
    );
    const perRound = appendCount / appendRounds;
    const [adapterAppends, rawAppends] = await alternate(
      appendRounds,
      appendCount,
      (round) => appendThroughAdapter(store, round * perRound, perRound),
      (round) => appendRaw(pool, schema, round * perRound, perRound),
    );
    await fillForReplay(store);
    await replayThroughAdapter(store); // warm-up, untimed: the first pass pays for JIT and caches
    await replayRaw(pool, schema);
    const [adapterReplay, rawReplay] = await alternate(
      replayRounds,
      replayRounds * (replayCount + appendCount),
      () => replayThroughAdapter(store),
      () => replayRaw(pool, schema),
    );
    return {
      postgresAppendsPerSecond: {
        adapter: adapterAppends,
        raw: rawAppends,
        ratio: twoDecimals(adapterAppends / rawAppends),
        target: 0.7,
      },
      postgresReplayEventsPerSecond: {
        adapter: adapterReplay,
        raw: rawReplay,
        ratio: twoDecimals(adapterReplay / rawReplay),
        target: 0.5,
      },
      postgresBenchShape: {
        writers,
        appends: appendCount,
        replayedEvents: replayCount + appendCount,
        replayPageSize,
        appendRounds,
        replayRounds,
      },
    };
  } finally {
    await store.close();
    await pool.end();
    await dropSchema(connectionString, schema);
  }
}

/** Operations per second of each contender, over `rounds` alternating runs. */
async function alternate(
  rounds: number,
  operations: number,
  adapter: (round: number) => Promise<void>,
  raw: (round: number) => Promise<void>,
): Promise<[number, number]> {
  const seconds = [0, 0];
  for (let round = 0; round < rounds; round++) {
    for (const [index, work] of [adapter, raw].entries()) {
      const started = process.hrtime.bigint();
      await work(round);
      seconds[index]! += Number(process.hrtime.bigint() - started) / 1e9;
    }
  }
  return [Math.round(operations / seconds[0]!), Math.round(operations / seconds[1]!)];
}

function inWriters(first: number, count: number, work: (n: number) => Promise<unknown>): Promise<void> {
  let next = first;
  const writer = async () => {
    while (next < first + count) await work(next++);
  };
  return Promise.all(Array.from({ length: writers }, writer)).then(() => undefined);
}

function appendThroughAdapter(store: EventStore, first: number, count: number): Promise<void> {
  return inWriters(first, count, (n) =>
    store.append(`username-adapter-${n}`, [newEvent(n)], { expected: 'no_stream' }),
  );
}

/** Plain pg: one transaction per event, the same lock, positions drawn under it, no checks, no chain. */
function appendRaw(pool: Pool, schema: string, first: number, count: number): Promise<void> {
  const table = `${escapeIdentifier(schema)}.raw_events`;
  const insert = `INSERT INTO ${table} (position, id, stream, revision, type, data, metadata, prev_hash, hash)
    SELECT coalesce(max(position), 0) + 1, $1, $2, 0, $3, $4, $5, '', '' FROM ${table}`;
  return inWriters(first, count, async (n) => {
    const client = await pool.connect();
    try {
      const event = newEvent(n);
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`bench:${schema}`]);
      await client.query(insert, [
        event.id,
        `username-raw-${n}`,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
      ]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
}

async function fillForReplay(store: EventStore): Promise<void> {
  const perAppend = 100;
  for (let batch = 0; batch < replayCount / perAppend; batch++) {
    const events = Array.from({ length: perAppend }, (_, k) => newEvent(batch * perAppend + k));
    await store.append(`client-replay-${batch}`, events, { expected: 'no_stream' });
  }
}

async function replayThroughAdapter(store: EventStore): Promise<void> {
  let after: string | null = null;
  let seen = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: replayPageSize });
    if (page.length === 0) break;
    seen += page.length;
    after = page[page.length - 1]!.position;
  }
  if (seen !== replayCount + appendCount) throw new Error(`replay saw ${seen} events`);
}

/** One query, rows parsed the same way the adapter parses them. */
async function replayRaw(pool: Pool, schema: string): Promise<void> {
  const { rows } = await pool.query<{ data: string; metadata: string }>(
    `SELECT position, id, stream, revision, type, data, metadata, prev_hash, hash FROM ${escapeIdentifier(schema)}.events ORDER BY position`,
  );
  for (const row of rows) {
    JSON.parse(row.data);
    JSON.parse(row.metadata);
  }
  if (rows.length !== replayCount + appendCount) throw new Error(`raw replay saw ${rows.length} events`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchPostgres(process.argv[2]), null, 2));
}
