import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client, escapeIdentifier } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { computeChainHash } from '../../src/eventstore/chain.ts';
import { openPostgresEventStore } from '../../src/eventstore/postgres.ts';
import { BrokenChainError, type EventStore, type StoredLink } from '../../src/eventstore/port.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';

const pgUrl = 'postgres://postgres@127.0.0.1:5432/test';
const metadata = { actor: { kind: 'system' as const, id: 'test' }, at: '2026-01-01T00:00:00.000Z' };

interface Backend {
  readonly store: EventStore;
  /** Runs SQL on the store's own tables behind its back (`events` names its table). */
  tamper(sql: string): Promise<void>;
  dispose(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-broken-chain-'));
  const file = join(dir, 'events.sqlite');
  const store = openSqliteEventStore(file);
  return {
    store,
    async tamper(sql) {
      const db = new Database(file);
      db.exec(sql);
      db.close();
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const schema = `latchkey_test_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresEventStore(pgUrl, { schema });
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    store,
    tamper: (sql) => admin(`SET search_path TO ${escapeIdentifier(schema)}; ${sql}`),
    async dispose() {
      await store.close();
      await admin(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
    },
  };
}

/** A link that continues `head` correctly: only the stored chain under it is wrong. */
function nextLink(head: StoredLink): StoredLink {
  const fields = {
    position: String(Number(head.position) + 1),
    id: randomUUID(),
    stream: 'copied',
    revision: 0,
    type: 'A',
    dataJson: '{}',
    metadataJson: JSON.stringify(metadata),
  };
  return { ...fields, prevHash: head.hash, hash: computeChainHash(head.hash, fields) };
}

describe.each([
  ['sqlite', sqliteBackend],
  ['postgres', postgresBackend],
])('%s: no append onto a broken chain', (_name, open) => {
  let backend: Backend;
  afterEach(() => backend.dispose());

  async function storeWithChangedHead(sql: string): Promise<StoredLink[]> {
    backend = await open();
    for (let i = 0; i < 5; i++)
      await backend.store.append(`s-${i}`, [{ id: randomUUID(), type: 'A', data: { i }, metadata }], {
        expected: 'no_stream',
      });
    await backend.tamper(sql);
    return backend.store.readLinks({ after: null, limit: 100 });
  }

  it('an append after the last event was changed is refused, naming it, and writes nothing', async () => {
    const before = await storeWithChangedHead(`UPDATE events SET data = '{"i":40}' WHERE position = 5`);
    const refused = await backend.store
      .append('s-new', [{ id: randomUUID(), type: 'A', data: {}, metadata }], { expected: 'no_stream' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BrokenChainError);
    expect(refused).toMatchObject({ position: '5' });
    expect((refused as Error).message).toMatch(/is damaged: the event at position 5.*does not match its hash/);
    expect((refused as Error).message).toContain('audit verify --deep');
    expect(await backend.store.readLinks({ after: null, limit: 100 })).toEqual(before);
  });

  it('an append after the link before the head was removed is refused', async () => {
    const before = await storeWithChangedHead('DELETE FROM events WHERE position = 4');
    await expect(
      backend.store.append('s-new', [{ id: randomUUID(), type: 'A', data: {}, metadata }], { expected: 'any' }),
    ).rejects.toThrow(/position 5.*previous-hash does not match/);
    expect(await backend.store.readLinks({ after: null, limit: 100 })).toEqual(before);
  });

  it('copied links onto a changed head are refused, even when they continue its stored hash', async () => {
    const before = await storeWithChangedHead(`UPDATE events SET type = 'B' WHERE position = 5`);
    const head = before[before.length - 1]!;
    const first = nextLink(head);
    const refused = await backend.store.appendLinks([first, nextLink(first)]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BrokenChainError);
    expect(refused).toMatchObject({ position: '5' });
    expect(await backend.store.readLinks({ after: null, limit: 100 })).toEqual(before);
  });

  it('an untouched chain still takes appends and copied links', async () => {
    const before = await storeWithChangedHead('SELECT 1');
    await backend.store.appendLinks([nextLink(before[before.length - 1]!)]);
    await backend.store.append('s-new', [{ id: randomUUID(), type: 'A', data: {}, metadata }], {
      expected: 'no_stream',
    });
    expect(await backend.store.readLinks({ after: null, limit: 100 })).toHaveLength(7);
  });
});
