import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { coreProjections, findCheckpointMismatch, openReadModels } from '../../src/projections/read-models.ts';
import type { RecordedEvent } from '../../src/eventstore/port.ts';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'latchkey-rm-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const registered = (position: number, clientId: string): RecordedEvent => ({
  id: `e${position}`,
  stream: `client-${clientId}`,
  revision: 0,
  position: String(position),
  type: 'ClientRegistered',
  data: { clientId, firstName: 'Ann', lastName: 'Lee', email: null, altEmail: null, active: true },
  metadata: { actor: { kind: 'system', id: 't' }, at: '2026-01-01T00:00:00.000Z' },
  prevHash: '',
  hash: '',
});
const compare = (a: string, b: string) => Number(a) - Number(b);

it('events at or before the stored checkpoint are not applied twice, as when two processes share the file', () => {
  const a = openReadModels(join(dir, 'rm.sqlite'));
  const b = openReadModels(join(dir, 'rm.sqlite'));
  a.apply([registered(1, 'C1'), registered(2, 'C2')], compare);
  b.apply([registered(1, 'C1'), registered(2, 'C2'), registered(3, 'C3')], compare);
  expect(a.clients.listClients().map((c) => c.clientId)).toEqual(['C1', 'C2', 'C3']);
  expect(b.checkpoint()).toBe('3');
  a.close();
  b.close();
});

it('read models kept from another log, or from a longer one, are found out by their checkpoint, and clear empties them', async () => {
  const store = openSqliteEventStore(join(dir, 'events.sqlite'));
  const register = (clientId: string) => ({
    id: `register-${clientId}`,
    type: 'ClientRegistered',
    data: { clientId, firstName: 'Ann', lastName: 'Lee', email: null, altEmail: null, active: true },
    metadata: { actor: { kind: 'system' as const, id: 't' }, at: '2026-01-01T00:00:00.000Z' },
  });
  await store.append('client-C1', [register('C1')], { expected: 'no_stream' });
  const readModels = openReadModels(join(dir, 'rm.sqlite'));
  readModels.apply(await store.readAll({ after: null, limit: 10 }), compare);
  expect(await findCheckpointMismatch(store, readModels)).toBeNull();

  // The same stream, revision and position in another log: its hash differs.
  const other = openSqliteEventStore(join(dir, 'other.sqlite'));
  await other.append('client-C1', [{ ...register('C1'), id: 'another-id' }], { expected: 'no_stream' });
  expect(await findCheckpointMismatch(other, readModels)).toMatch(/another event where they last applied position 1/);
  // A log that ends before the checkpoint.
  const empty = openSqliteEventStore(join(dir, 'empty.sqlite'));
  expect(await findCheckpointMismatch(empty, readModels)).toMatch(/no longer holds the last event they applied/);

  readModels.clear();
  expect(readModels.checkpoint()).toBeNull();
  expect(readModels.clients.listClients()).toEqual([]);
  expect(await findCheckpointMismatch(empty, readModels)).toBeNull();
  readModels.close();
  await Promise.all([store.close(), other.close(), empty.close()]);
});

it('a file made with other projections is emptied so the log rebuilds it', () => {
  const file = join(dir, 'rm.sqlite');
  const old = openReadModels(file);
  old.apply([registered(1, 'C1')], compare);
  old.db.prepare(`UPDATE read_model_schema SET version = 'made by an older Latchkey'`).run();
  old.close();
  const upgraded = openReadModels(file);
  expect(upgraded.checkpoint()).toBeNull();
  expect(upgraded.clients.listClients()).toEqual([]);
  upgraded.close();
  const reopened = openReadModels(file);
  reopened.apply([registered(1, 'C1')], compare);
  reopened.close();
  const again = openReadModels(file);
  expect(again.checkpoint()).toBe('1');
  again.close();
});

it('applying an event never reads a whole read-model table: every statement a projection prepares is a search', () => {
  const db = new Database(':memory:');
  for (const projection of coreProjections) db.exec(projection.schema);
  const prepared: string[] = [];
  const recording = new Proxy(db, {
    get: (target, key) =>
      key === 'prepare'
        ? (sql: string) => (prepared.push(sql), target.prepare(sql))
        : (Reflect.get(target, key) as unknown),
  });
  for (const projection of coreProjections) projection.bind(recording);
  expect(prepared.length).toBeGreaterThan(20);
  const scans = prepared.flatMap((sql) => {
    const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((match) => match[1]!))];
    const params = named.length > 0 ? [Object.fromEntries(named.map((name) => [name, null]))] : [];
    const positional = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params, ...positional) as { detail: string }[];
    return plan.filter((step) => /^SCAN (?!CONSTANT ROW)/.test(step.detail)).map((step) => `${step.detail}: ${sql}`);
  });
  db.close();
  expect(scans).toEqual([]);
});

it("mail history's order is its rowid, so recording an email request looks up no maximum", () => {
  const readModels = openReadModels(':memory:');
  const key = (readModels.db.pragma('table_info(mail_history)') as { name: string; type: string; pk: number }[]).filter(
    (column) => column.pk > 0,
  );
  readModels.close();
  // An INTEGER PRIMARY KEY is the rowid itself: the next one comes from the end of the b-tree.
  expect(key).toEqual([expect.objectContaining({ name: 'seq', type: 'INTEGER', pk: 1 })]);
});
