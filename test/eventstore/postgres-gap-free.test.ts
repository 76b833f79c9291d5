import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { escapeIdentifier, Client } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgresEventStore } from '../../src/eventstore/postgres.ts';
import type { EventStore, RecordedEvent } from '../../src/eventstore/port.ts';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `latchkey_test_${randomBytes(6).toString('hex')}`;
const writerCount = 8;
const appendsPerWriter = 25;

let writers: EventStore[] = [];
let reader: EventStore;

beforeAll(async () => {
  reader = await openPostgresEventStore(url, { schema });
  // Each writer is its own pool and holds its transaction open for a different while before
  // committing, so commits race: exactly the window in which a reader could skip an event.
  writers = await Promise.all(
    Array.from({ length: writerCount }, (_, i) =>
      openPostgresEventStore(url, { schema, poolSize: 2, beforeCommitDelayMs: 1 + ((i * 3) % 8) }),
    ),
  );
});

afterAll(async () => {
  await Promise.all([reader, ...writers].map((store) => store.close()));
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA ${escapeIdentifier(schema)} CASCADE`);
  await admin.end();
});

async function write(store: EventStore, writer: number): Promise<void> {
  for (let n = 0; n < appendsPerWriter; n++) {
    const stream = `writer-${writer}-${n % 3}`;
    const metadata = { actor: { kind: 'system' as const, id: `writer-${writer}` }, at: '2026-01-01T00:00:00.000Z' };
    await store.append(stream, [{ id: randomUUID(), type: 'Written', data: { writer, n }, metadata }], {
      expected: 'any',
    });
  }
}

async function follow(total: number, writing: Promise<unknown>): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  let done = false;
  void writing.finally(() => (done = true));
  while (seen.length < total) {
    const writersFinished = done;
    const page = await reader.readAll({ after: seen.at(-1)?.position ?? null, limit: 5 });
    seen.push(...page);
    // Nothing more after every writer finished: what is missing now was skipped for good.
    if (page.length === 0 && writersFinished) break;
    if (page.length === 0) await sleep(1);
  }
  return seen;
}

it('a reader following 8 racing writers misses no event and sees the stored order', async () => {
  const total = writerCount * appendsPerWriter;
  const writing = Promise.all(writers.map((store, i) => write(store, i)));
  const seen = await follow(total, writing);
  await writing;

  const stored = await reader.readAll({ after: null, limit: 10_000 });
  expect(stored).toHaveLength(total);
  expect(seen.map((e) => e.id)).toEqual(stored.map((e) => e.id));
  expect(seen.map((e) => e.position)).toEqual(Array.from({ length: total }, (_, k) => String(k + 1)));
  for (let writer = 0; writer < writerCount; writer++) {
    const own = seen.filter((e) => e.metadata.actor.id === `writer-${writer}`).map((e) => (e.data as { n: number }).n);
    expect(own).toEqual(Array.from({ length: appendsPerWriter }, (_, n) => n));
  }
});
