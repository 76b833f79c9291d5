import { defaultBusinessId } from '../../src/domain/business.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  credentialDecider,
  credentialSnapshotPolicy,
  loadCredentialState,
  runCredentialCommand,
} from '../../src/app/credential-decider.ts';
import { loadWholeStream } from '../../src/app/handle-command.ts';
import { recordEvent } from '../../src/app/record-event.ts';
import { loadFromSnapshot, snapshotCacheOf } from '../../src/app/snapshots.ts';
import { credentialStream, type CredentialEvent } from '../../src/domain/credential/events.ts';
import { eventCatalogue, latchkeyEventTypes } from '../../src/domain/events.ts';
import type { EventStore, ReadStreamOptions } from '../../src/eventstore/port.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { openReadModels, type ReadModels } from '../../src/projections/read-models.ts';
import { sampleEvents } from '../support/sample-events.ts';

const actor = { kind: 'system', id: 'test' } as const;
const at = '2026-03-03T14:00:00.000Z';

/** Every credential event of the catalogue, for client C1 (the sample events are all about C1). */
const credentialSamples = latchkeyEventTypes
  .filter((type) => eventCatalogue[type].stream === 'credential')
  .map((type) => sampleEvents[type] as CredentialEvent);
const stream = credentialStream(defaultBusinessId, 'C1');

/** A small seeded generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

let dir: string;
let store: EventStore;
let readModels: ReadModels;
const reads: (ReadStreamOptions | undefined)[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-snapshots-'));
  const inner = openSqliteEventStore(join(dir, 'events.sqlite'));
  reads.length = 0;
  store = {
    ...inner,
    readStream: (name, options) => {
      reads.push(options);
      return inner.readStream(name, options);
    },
  };
  readModels = openReadModels(join(dir, 'read-models.sqlite'));
});
afterEach(async () => {
  readModels.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

let minute = 0;
async function append(events: readonly CredentialEvent[]): Promise<void> {
  for (const event of events) {
    const when = new Date(Date.parse(at) + ++minute * 60_000);
    await recordEvent(
      store,
      stream,
      event,
      { businessId: defaultBusinessId, commandId: `cmd-${minute}`, actor, at: when },
      'any',
    );
  }
}
const wholeFold = async () => (await loadWholeStream(store, credentialDecider, stream)).state;
const snapshotRow = () =>
  readModels.db.prepare('SELECT fold_version, revision FROM stream_snapshots WHERE stream = ?').get(stream) as
    { fold_version: number; revision: number } | undefined;

describe('credential snapshots', () => {
  it('folding a snapshot and the events after it gives the state a whole fold gives, over random sequences', async () => {
    const next = random(7);
    const cache = snapshotCacheOf(readModels.db);
    for (let sequence = 0; sequence < 8; sequence++) {
      readModels.db.exec('DELETE FROM stream_snapshots');
      const everyEvents = 1 + Math.floor(next() * 4);
      const policy = { ...credentialSnapshotPolicy, everyEvents };
      await append([sampleEvents.LoginAssigned]);
      for (let step = 0; step < 20; step++) {
        const count = 1 + Math.floor(next() * 3);
        await append(
          Array.from({ length: count }, () => credentialSamples[Math.floor(next() * credentialSamples.length)]!),
        );
        const loaded = await loadFromSnapshot(store, credentialDecider, stream, cache, policy);
        expect(loaded.state).toEqual(await wholeFold());
        const all = await store.readStream(stream);
        expect(loaded.revision).toBe(all[all.length - 1]!.revision);
      }
    }
    expect(credentialSamples.length).toBeGreaterThanOrEqual(19);
  });

  it('a login on a long stream reads only the events after the snapshot', async () => {
    await append([sampleEvents.LoginAssigned, ...Array.from({ length: 120 }, () => sampleEvents.LoginSucceeded)]);
    await loadCredentialState({ store, readModels, businessId: defaultBusinessId }, 'C1');
    expect(snapshotRow()).toEqual({ fold_version: credentialSnapshotPolicy.foldVersion, revision: 120 });
    reads.length = 0;
    await append([sampleEvents.LoginFailed]);
    const handled = await runCredentialCommand(
      { store, readModels, businessId: defaultBusinessId, clock: { now: () => new Date('2026-03-04T00:00:00.000Z') } },
      'C1',
      { type: 'RecordThrottledAttempt' },
      { actor },
    );
    expect(handled).toMatchObject({ ok: true, value: { duplicate: false } });
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((options) => options?.fromRevision === 120)).toBe(true);
    expect((await store.readStream(stream)).map((event) => event.revision).slice(-2)).toEqual([121, 122]);
  });

  it('a command that carries its own id reads the whole stream, so its retry appends nothing', async () => {
    await append([sampleEvents.LoginAssigned, ...Array.from({ length: 60 }, () => sampleEvents.LoginSucceeded)]);
    await loadCredentialState({ store, readModels, businessId: defaultBusinessId }, 'C1');
    const deps = {
      store,
      readModels,
      businessId: defaultBusinessId,
      clock: { now: () => new Date('2026-03-04T00:00:00.000Z') },
    };
    const requester = { actor, commandId: 'staff-revoke-1' };
    await runCredentialCommand(deps, 'C1', { type: 'RevokeSessions', by: 'staff' }, requester);
    reads.length = 0;
    const retry = await runCredentialCommand(deps, 'C1', { type: 'RevokeSessions', by: 'staff' }, requester);
    expect(retry).toMatchObject({ ok: true, value: { duplicate: true } });
    expect(reads).toEqual([undefined]);
  });

  it('deleting the snapshots changes nothing but what is read', async () => {
    await append([sampleEvents.LoginAssigned, ...credentialSamples, ...credentialSamples]);
    const first = await loadCredentialState({ store, readModels, businessId: defaultBusinessId }, 'C1');
    expect(snapshotRow()).toBeDefined();
    readModels.db.exec('DROP TABLE stream_snapshots');
    readModels.close();
    readModels = openReadModels(join(dir, 'read-models.sqlite'));
    expect(await loadCredentialState({ store, readModels, businessId: defaultBusinessId }, 'C1')).toEqual(first);
    rmSync(join(dir, 'read-models.sqlite'));
    readModels.close();
    readModels = openReadModels(join(dir, 'read-models.sqlite'));
    expect(await loadCredentialState({ store, readModels, businessId: defaultBusinessId }, 'C1')).toEqual(first);
    expect(first).toEqual(await wholeFold());
  });

  it('a snapshot made by another version of the fold is ignored and rebuilt', async () => {
    await append([sampleEvents.LoginAssigned, sampleEvents.PermanentPasswordChosen]);
    const all = await store.readStream(stream);
    snapshotCacheOf(readModels.db).write(stream, {
      foldVersion: credentialSnapshotPolicy.foldVersion - 1,
      revision: 1,
      eventId: all[1]!.id,
      state: { status: 'disabled', login: { made: 'by an older fold' } },
    });
    expect(await loadCredentialState({ store, readModels, businessId: defaultBusinessId }, 'C1')).toEqual(
      await wholeFold(),
    );
    expect(snapshotRow()).toEqual({ fold_version: credentialSnapshotPolicy.foldVersion, revision: 1 });
  });

  it('a snapshot that does not match the stream (another log, another event at its revision) is ignored', async () => {
    await append([sampleEvents.LoginAssigned, sampleEvents.PermanentPasswordChosen]);
    const forged = { status: 'disabled', login: { made: 'from another log' } };
    const cache = snapshotCacheOf(readModels.db);
    cache.write(stream, {
      foldVersion: credentialSnapshotPolicy.foldVersion,
      revision: 1,
      eventId: 'elsewhere',
      state: forged,
    });
    expect(await loadCredentialState({ store, readModels, businessId: defaultBusinessId }, 'C1')).toEqual(
      await wholeFold(),
    );
    cache.write(stream, {
      foldVersion: credentialSnapshotPolicy.foldVersion,
      revision: 9,
      eventId: 'e9',
      state: forged,
    });
    expect(await loadCredentialState({ store, readModels, businessId: defaultBusinessId }, 'C1')).toEqual(
      await wholeFold(),
    );
  });
});
