import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import { describe, expect, it } from 'vitest';
import { openEventStore, parseEventStoreLocation } from '../../src/eventstore/open-store.ts';

describe('choosing the event store from one setting', () => {
  it.each([
    ['sqlite:./data/events.sqlite', { kind: 'sqlite', file: './data/events.sqlite' }],
    ['sqlite:///var/lib/latchkey/events.sqlite', { kind: 'sqlite', file: '/var/lib/latchkey/events.sqlite' }],
    ['./events.sqlite', { kind: 'sqlite', file: './events.sqlite' }],
    ['C:\\latchkey\\events.sqlite', { kind: 'sqlite', file: 'C:\\latchkey\\events.sqlite' }],
    ['postgres://app@db:5432/latchkey', { kind: 'postgres', connectionString: 'postgres://app@db:5432/latchkey' }],
    ['postgresql://app@db/latchkey', { kind: 'postgres', connectionString: 'postgresql://app@db/latchkey' }],
    [
      'postgres://app@db/latchkey?schema=tenant_2',
      { kind: 'postgres', connectionString: 'postgres://app@db/latchkey', schema: 'tenant_2' },
    ],
    [
      'postgres://app@db/latchkey?sslmode=require&schema=copy',
      { kind: 'postgres', connectionString: 'postgres://app@db/latchkey?sslmode=require', schema: 'copy' },
    ],
    ['kurrentdb://node:2113?tls=false', { kind: 'kurrentdb', connectionString: 'kurrentdb://node:2113?tls=false' }],
    ['esdb+discover://node:2113', { kind: 'kurrentdb', connectionString: 'kurrentdb+discover://node:2113' }],
  ])('%s opens %o', (url, location) => {
    expect(parseEventStoreLocation(url)).toEqual(location);
  });

  it('an unknown scheme is refused with the accepted forms and without the rest of the setting', () => {
    const attempt = () => parseEventStoreLocation('mysql://app:s3cret@db/latchkey');
    expect(attempt).toThrow(
      /unknown event store location scheme "mysql:".*sqlite:<path>.*postgres:\/\/.*kurrentdb:\/\//,
    );
    expect(attempt).not.toThrow(/s3cret/);
    expect(() => parseEventStoreLocation('')).toThrow(/empty/);
    expect(() => parseEventStoreLocation('sqlite:')).toThrow(/names no file/);
    expect(() => parseEventStoreLocation('postgres://db/latchkey?schema=Bad-Name')).toThrow(
      /schema "Bad-Name" is not a plain name/,
    );
  });

  it('a postgres location with ?schema= opens the log in that schema', async () => {
    const schema = `latchkey_test_${randomBytes(6).toString('hex')}`;
    const store = await openEventStore(`postgres://postgres@127.0.0.1:5432/test?schema=${schema}`);
    const metadata = { actor: { kind: 'system' as const, id: 'test' }, at: '2026-01-01T00:00:00.000Z' };
    await store.append('s', [{ id: randomUUID(), type: 'Opened', data: {}, metadata }], { expected: 'no_stream' });
    await store.close();
    const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await admin.connect();
    const { rows } = await admin.query(`SELECT type FROM ${escapeIdentifier(schema)}.events`);
    await admin.query(`DROP SCHEMA ${escapeIdentifier(schema)} CASCADE`);
    await admin.end();
    expect(rows).toEqual([{ type: 'Opened' }]);
  });

  it('opens a working sqlite store and a working postgres store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-open-'));
    const schema = `latchkey_test_${randomBytes(6).toString('hex')}`;
    const stores = [
      await openEventStore(`sqlite:${join(dir, 'events.sqlite')}`),
      await openEventStore('postgres://postgres@127.0.0.1:5432/test', { postgres: { schema } }),
    ];
    for (const store of stores) {
      const metadata = { actor: { kind: 'system' as const, id: 'test' }, at: '2026-01-01T00:00:00.000Z' };
      await store.append('s', [{ id: randomUUID(), type: 'Opened', data: {}, metadata }], { expected: 'no_stream' });
      expect((await store.readStream('s')).map((e) => e.type)).toEqual(['Opened']);
      await store.close();
    }
    rmSync(dir, { recursive: true, force: true });
    const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await admin.connect();
    await admin.query(`DROP SCHEMA ${escapeIdentifier(schema)} CASCADE`);
    await admin.end();
  });
});
