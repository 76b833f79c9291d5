import { randomUUID } from 'node:crypto';
import {
  ANY,
  DeadlineExceededError,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { createKurrentDbEventStore, openKurrentDbEventStore } from '../../src/eventstore/kurrentdb.ts';
import {
  collectEvents,
  comparePositions,
  isLogConflict,
  toDivergedStreamError,
  toLogRevisionAfter,
  toPosition,
  toStreamState,
  toStreamStateBefore,
  toUnavailableError,
} from '../../src/eventstore/kurrentdb-mapping.ts';
import { EventStoreUnavailableError, type NewEvent } from '../../src/eventstore/port.ts';
import { verifyChain } from '../../src/eventstore/verify.ts';
import { testEventStore } from './contract.ts';
import { FakeKurrentDb } from './kurrentdb-fake.ts';

const closedPort = 'kurrentdb://127.0.0.1:1?tls=false';

function event(type = 'Something'): NewEvent {
  return {
    id: randomUUID(),
    type,
    data: { n: 1 },
    metadata: { actor: { kind: 'system', id: 'test' }, at: '2026-01-01T00:00:00.000Z' },
  };
}

describe('kurrentdb mapping', () => {
  it('maps every expected revision to its stream state', () => {
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState('exists')).toBe(STREAM_EXISTS);
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState(7)).toBe(7n);
    expect(toStreamStateBefore(0)).toBe(NO_STREAM);
    expect(toStreamStateBefore(3)).toBe(2n);
  });

  it('positions are 1-based log revisions, compared as integers beyond 2^53', () => {
    expect(toPosition(0n)).toBe('1');
    expect(toLogRevisionAfter(null)).toBe(0n);
    expect(toLogRevisionAfter('1')).toBe(1n);
    expect(comparePositions('9', '10')).toBe(-1);
    expect(comparePositions('9007199254740993', '9007199254740992')).toBe(1);
    expect(comparePositions('42', '42')).toBe(0);
    expect(() => toLogRevisionAfter('12:34')).toThrow(RangeError);
  });

  it('the raw gRPC status of a failed append and the UnavailableError of a failed read both mean unavailable', () => {
    const rawGrpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    for (const error of [rawGrpc, new UnavailableError(), new DeadlineExceededError()]) {
      expect(toUnavailableError(error)).toBeInstanceOf(EventStoreUnavailableError);
    }
    const notFound = new StreamNotFoundError(undefined, 's');
    expect(toUnavailableError(notFound)).toBe(notFound);
  });

  it('only a conflict on the log stream is retried; a diverged stream is reported as damage', () => {
    const onLog = new WrongExpectedVersionError(undefined, { streamName: 'latchkey-log', expected: 4n, current: 5n });
    const onStream = new WrongExpectedVersionError(undefined, { streamName: 'client-1', expected: 1n, current: 3n });
    expect(isLogConflict(onLog, 'latchkey-log')).toBe(true);
    expect(isLogConflict(onStream, 'latchkey-log')).toBe(false);
    expect(toDivergedStreamError(onStream).message).toMatch(
      /client-1 is at revision 3 where the Latchkey log expects 1: it was written to outside Latchkey/,
    );
  });

  it('a missing stream reads as empty; an unreachable server as unavailable', async () => {
    async function* failing(error: Error) {
      yield* [];
      throw error;
    }
    expect(await collectEvents(failing(new StreamNotFoundError(undefined, 's')))).toEqual([]);
    await expect(collectEvents(failing(new UnavailableError()))).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});

describe('kurrentdb client against a closed port', () => {
  it('append and reads reject with EventStoreUnavailableError within seconds', async () => {
    const store = openKurrentDbEventStore(closedPort);
    const started = Date.now();
    await expect(store.append('s', [event()], { expected: 'no_stream' })).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(store.readStream('s')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll({ after: null, limit: 10 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(10_000);
    await store.close();
  });

  it("the real client's failed append (a raw gRPC status, not a client error class) translates too", async () => {
    const client = KurrentDBClient.connectionString(closedPort);
    const error = await client.appendToStream('s', jsonEvent({ type: 'A', data: {} })).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(UnavailableError);
    expect(toUnavailableError(error)).toBeInstanceOf(EventStoreUnavailableError);
    await client.dispose();
  });
});

// The adapter's own logic (log compare-and-set, completing a dead writer's append, reservations)
// against an in-memory stand-in with KurrentDB's semantics; the real server runs below when set.
testEventStore(
  'kurrentdb adapter on an in-memory KurrentDB stand-in',
  async () => {
    const server = new FakeKurrentDb();
    const store = createKurrentDbEventStore(server.client());
    return {
      store,
      openAnother: async () => createKurrentDbEventStore(server.client()),
      dispose: () => store.close(),
    };
  },
  { gapFreeIntegerPositions: true },
);

describe('kurrentdb adapter: a writer that dies between the log and the stream', () => {
  it("the next reader completes the dead writer's append, and its retry is recognised", async () => {
    const server = new FakeKurrentDb();
    const dying = createKurrentDbEventStore(server.client());
    const batch = [event('A'), event('B')];
    server.failNextAppend = (stream) => stream === 'client-1';
    await expect(dying.append('client-1', batch, { expected: 'no_stream' })).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );

    const other = createKurrentDbEventStore(server.client());
    expect((await other.readStream('client-1')).map((e) => e.type)).toEqual(['A', 'B']);
    expect(await dying.append('client-1', batch, { expected: 'no_stream' })).toEqual({
      nextRevision: 1,
      position: '2',
    });
    await other.append('client-2', [event('C')], { expected: 'no_stream' });
    expect(await verifyChain(other)).toMatchObject({ ok: true, eventsChecked: 3 });
  });
});

const kurrentDbUrl = process.env.KURRENTDB_URL;
if (kurrentDbUrl) {
  testEventStore(
    'kurrentdb server',
    async () => {
      const namespace = `latchkey-test-${randomUUID()}`;
      const store = openKurrentDbEventStore(kurrentDbUrl, { namespace });
      return {
        store,
        openAnother: async () => openKurrentDbEventStore(kurrentDbUrl, { namespace }),
        dispose: () => store.close(),
      };
    },
    { gapFreeIntegerPositions: true },
  );
} else {
  console.log('SKIPPED: KurrentDB contract suite — KURRENTDB_URL is not set (no KurrentDB server on this machine)');
  describe.skip('EventStore contract: kurrentdb server (set KURRENTDB_URL to run)', () => {
    it('runs the shared contract suite against a real KurrentDB', () => undefined);
  });
}
