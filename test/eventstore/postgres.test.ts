import { randomBytes, randomUUID } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresEventStore } from '../../src/eventstore/postgres.ts';
import { postgresMigrations } from '../../src/eventstore/postgres-migrations.ts';
import { EventStoreUnavailableError, type EventStore } from '../../src/eventstore/port.ts';
import { verifyChain } from '../../src/eventstore/verify.ts';
import { testEventStore } from './contract.ts';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const newSchema = () => `latchkey_test_${randomBytes(6).toString('hex')}`;

async function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

const dropSchema = (schema: string) =>
  withAdmin((admin) => admin.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`));

testEventStore(
  'postgres',
  async () => {
    const schema = newSchema();
    const store = await openPostgresEventStore(url, { schema });
    return {
      store,
      openAnother: () => openPostgresEventStore(url, { schema }),
      dispose: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  { gapFreeIntegerPositions: true, atomicMultiStreamAppend: true },
);

describe('postgres: opening', () => {
  const opened: EventStore[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await Promise.all(schemas.splice(0).map(dropSchema));
  });
  const open = async (schema: string) => {
    const store = await openPostgresEventStore(url, { schema });
    opened.push(store);
    return store;
  };
  const appliedVersions = (schema: string) =>
    withAdmin(
      async (admin) =>
        (
          await admin.query(
            `SELECT version, applied_at FROM ${escapeIdentifier(schema)}.schema_migrations ORDER BY version`,
          )
        ).rows,
    );

  it('processes opening a fresh schema at once migrate it exactly once', async () => {
    const schema = newSchema();
    schemas.push(schema);
    await Promise.all([1, 2, 3, 4].map(() => open(schema)));
    const applied = await appliedVersions(schema);
    expect(applied.map((row) => row.version)).toEqual(postgresMigrations.map((_, index) => index + 1));
    await open(schema);
    expect(await appliedVersions(schema)).toEqual(applied);
  });

  it('a schema migrated by a newer Latchkey is refused rather than written to', async () => {
    const schema = newSchema();
    schemas.push(schema);
    await (await openPostgresEventStore(url, { schema })).close();
    await withAdmin((admin) =>
      admin.query(`INSERT INTO ${escapeIdentifier(schema)}.schema_migrations (version) VALUES ($1)`, [
        postgresMigrations.length + 1,
      ]),
    );
    await expect(openPostgresEventStore(url, { schema })).rejects.toThrow(/newer than this Latchkey knows/);
  });

  it('an unreachable server is reported as unavailable without the password', async () => {
    const error = await openPostgresEventStore('postgres://latchkey:hunter2@127.0.0.1:1/test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('rows deleted behind the store are reported by verification, even a run longer than a page', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const store = await open(schema);
    const metadata = { actor: { kind: 'system' as const, id: 'test' }, at: '2026-01-01T00:00:00.000Z' };
    for (let i = 0; i < 12; i++)
      await store.append(`s-${i}`, [{ id: randomUUID(), type: 'A', data: { i }, metadata }], { expected: 'no_stream' });
    await withAdmin((admin) =>
      admin.query(`DELETE FROM ${escapeIdentifier(schema)}.events WHERE position BETWEEN 4 AND 9`),
    );
    expect((await store.readAll({ after: '3', limit: 3 })).map((e) => e.position)).toEqual(['10', '11', '12']);
    expect(await verifyChain(store, { batchSize: 3 })).toMatchObject({
      ok: false,
      eventsChecked: 3,
      firstBad: { position: '10' },
    });
  });

  it("another process's append wakes this process's subscribers", async () => {
    const schema = newSchema();
    schemas.push(schema);
    const [here, elsewhere] = [await open(schema), await open(schema)];
    const woken = new Promise<void>((resolve) => here.onAppend(resolve));
    const metadata = { actor: { kind: 'system' as const, id: 'test' }, at: '2026-01-01T00:00:00.000Z' };
    await elsewhere!.append('s', [{ id: randomUUID(), type: 'A', data: {}, metadata }], { expected: 'no_stream' });
    await expect(woken).resolves.toBeUndefined();
  });
});
