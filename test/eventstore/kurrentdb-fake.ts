import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendStreamState,
  type EventData,
  type ReadStreamOptions,
} from '@kurrent/kurrentdb-client';
import type { KurrentDbClientPort } from '../../src/eventstore/kurrentdb.ts';

interface FakeRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly isJson: true;
  readonly created: Date;
}

/**
 * An in-memory stand-in for one KurrentDB node, with the semantics the adapter relies on: expected
 * stream state, per-stream idempotence of event ids (guaranteed for every state but ANY),
 * StreamNotFoundError on reading a missing stream, JSON round-trips, and an await before every
 * operation so that concurrent callers interleave. `failNextAppend` simulates a writer that dies
 * between two of its appends.
 */
export class FakeKurrentDb {
  private readonly streams = new Map<string, FakeRecord[]>();
  failNextAppend: ((stream: string) => boolean) | null = null;

  client(): KurrentDbClientPort {
    return {
      appendToStream: (
        stream: string,
        events: EventData | EventData[],
        options?: { streamState?: AppendStreamState },
      ) => this.append(stream, Array.isArray(events) ? events : [events], options?.streamState ?? ANY),
      readStream: (stream: string, options?: ReadStreamOptions) => this.read(stream, options ?? {}),
      dispose: async () => undefined,
    } as unknown as KurrentDbClientPort;
  }

  private async append(stream: string, events: EventData[], expected: AppendStreamState) {
    await new Promise(setImmediate);
    if (this.failNextAppend?.(stream)) {
      this.failNextAppend = null;
      throw Object.assign(new Error('14 UNAVAILABLE: connection lost'), { code: 14 });
    }
    const records = this.streams.get(stream) ?? [];
    const start = expected === NO_STREAM ? 0 : typeof expected === 'bigint' ? Number(expected) + 1 : null;
    if (start !== null && start < records.length && events.every((event, i) => records[start + i]?.id === event.id)) {
      return { success: true, nextExpectedRevision: BigInt(start + events.length - 1) };
    }
    const last = records.length - 1;
    const ok =
      expected === ANY ||
      (expected === NO_STREAM && records.length === 0) ||
      (expected === STREAM_EXISTS && records.length > 0) ||
      (typeof expected === 'bigint' && BigInt(last) === expected);
    if (!ok) {
      throw new WrongExpectedVersionError(undefined, {
        streamName: stream,
        expected,
        current: last < 0 ? NO_STREAM : BigInt(last),
      });
    }
    for (const event of events) {
      const roundTrip = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
      records.push({
        streamId: stream,
        id: event.id,
        revision: BigInt(records.length),
        type: event.type,
        data: roundTrip(event.data),
        metadata: roundTrip(event.metadata),
        isJson: true,
        created: new Date(),
      });
    }
    this.streams.set(stream, records);
    return { success: true, nextExpectedRevision: BigInt(records.length - 1) };
  }

  private async *read(stream: string, options: ReadStreamOptions) {
    await new Promise(setImmediate);
    const records = this.streams.get(stream);
    if (!records) throw new StreamNotFoundError(undefined, stream);
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision;
    const selected =
      options.direction === BACKWARDS
        ? records.slice(0, from === END || from === undefined ? records.length : Number(from) + 1).reverse()
        : records.slice(from === START || from === undefined ? 0 : Number(from));
    for (const event of selected.slice(0, maxCount)) yield { event };
  }
}
