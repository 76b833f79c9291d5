import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyEventStore } from '../../src/eventstore/copy.ts';
import { openPostgresEventStore } from '../../src/eventstore/postgres.ts';
import type { EventStore, NewEvent } from '../../src/eventstore/port.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { verifyChain } from '../../src/eventstore/verify.ts';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `latchkey_test_${randomBytes(6).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'latchkey-copy-'));

// Text the chain must hash byte for byte alike in JavaScript and in SQL: multi-byte, astral
// (two UTF-16 code units each), a lone surrogate (escaped by JSON.stringify) and a newline.
const awkwardData = [
  { name: 'Zoë' },
  { pet: '🐕‍🦺 Rex 🐈' },
  { note: '猫と犬\nline two' },
  { odd: '\ud800' },
  { n: 1e21, list: [0.1, -0, null] },
];

function event(type: string, data: unknown): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { actor: { kind: 'staff', id: 'u1', name: 'Ana 🐾' }, at: '2026-01-01T00:00:00.000Z' },
  };
}

let source: EventStore;
let viaPostgres: EventStore;
let back: EventStore;

beforeAll(async () => {
  source = openSqliteEventStore(join(dir, 'source.sqlite'));
  for (let i = 0; i < 40; i++) {
    const stream = `client-${i % 7} 🐾`;
    const events =
      i % 5 === 0 ? [event('A', awkwardData[(i / 5) % awkwardData.length]), event('B', { i })] : [event('C', { i })];
    await source.append(stream, events, { expected: 'any' });
  }
  viaPostgres = await openPostgresEventStore(url, { schema });
  back = openSqliteEventStore(join(dir, 'back.sqlite'));
});

afterAll(async () => {
  await Promise.all([source, viaPostgres, back].map((store) => store.close()));
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA ${escapeIdentifier(schema)} CASCADE`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('copyEventStore', () => {
  it('copies sqlite to postgres and back with every link verifying and every hash unchanged', async () => {
    const progress: number[] = [];
    expect(await copyEventStore(source, viaPostgres, { batchSize: 9, onProgress: (n) => progress.push(n) })).toEqual({
      eventsCopied: 48,
    });
    await copyEventStore(viaPostgres, back, { batchSize: 1_000 });
    expect(progress.at(-1)).toBe(48);

    const original = await source.readLinks({ after: null, limit: 1_000 });
    for (const copy of [viaPostgres, back]) {
      expect(await verifyChain(copy)).toMatchObject({ ok: true, eventsChecked: 48 });
      expect(await copy.readLinks({ after: null, limit: 1_000 })).toEqual(original);
    }
  });

  it('refuses a target that already holds events', async () => {
    await expect(copyEventStore(source, back)).rejects.toThrow(/already holds events/);
  });
});
