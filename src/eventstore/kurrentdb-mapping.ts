import {
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendStreamState,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, type ExpectedRevision, type RecordedEvent, type StoredLink } from './port.ts';

/**
 * The KurrentDB vocabulary, translated in one place so that nothing vendor-specific leaks past
 * the adapter: stream states, positions, and the client's errors.
 */

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'exists') return STREAM_EXISTS;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

/** The expected state of a stream whose next event will have `revision`. */
export function toStreamStateBefore(revision: number): AppendStreamState {
  return toStreamState(revision === 0 ? 'no_stream' : revision - 1);
}

/**
 * Positions are the 1-based place of an event in the store's log stream: gap-free decimal
 * strings, known before the append commits, so the chain hash can cover them.
 */
export function toPosition(logRevision: bigint): string {
  return String(logRevision + 1n);
}

/** The log-stream revision to read from for events strictly after `position`. */
export function toLogRevisionAfter(position: string | null | undefined): bigint {
  if (position === null || position === undefined) return 0n;
  if (!/^\d+$/.test(position)) throw new RangeError(`not a position of this store: ${position}`);
  return BigInt(position);
}

export function comparePositions(a: string, b: string): number {
  const difference = toLogRevisionAfter(a) - toLogRevisionAfter(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** Another writer extended the log first: the append is retried against the new head. */
export function isLogConflict(error: unknown, logStream: string): boolean {
  return error instanceof WrongExpectedVersionError && error.streamName === logStream;
}

/**
 * A stream that is not where the log says it should be was written to outside this adapter.
 * That is damage to repair, not a conflict to retry, so it is not a WrongExpectedRevisionError.
 */
export function toDivergedStreamError(error: WrongExpectedVersionError): Error {
  return new Error(
    `KurrentDB stream ${error.streamName} is at revision ${String(error.actualState)} where the Latchkey log expects ` +
      `${String(error.expectedState)}: it was written to outside Latchkey`,
    { cause: error },
  );
}

const grpcUnavailable = 14;
const grpcDeadlineExceeded = 4;

/**
 * The client reports an unreachable server two ways: appends (over grpc-js) reject with the raw
 * gRPC status, reads (over the native bridge) with its UnavailableError. Both mean the same here.
 */
export function toUnavailableError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const unavailable =
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    (error instanceof Error && (code === grpcUnavailable || code === grpcDeadlineExceeded));
  if (!unavailable) return error;
  return new EventStoreUnavailableError(
    `the KurrentDB event store is unavailable: ${(error as Error).message || 'no connection'}`,
    { cause: error },
  );
}

/** Reading a stream that does not exist is an empty read, not a failure. */
export async function collectEvents<T>(events: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  try {
    for await (const event of events) collected.push(event);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw toUnavailableError(error);
  }
  return collected;
}

/** One event as the log stream holds it: every stored byte the chain hash covers. */
export interface LogEntry extends Omit<StoredLink, 'position'> {
  /** This event's index in its append, so a half-finished append can be found and completed. */
  readonly batchIndex: number;
}

export function toStoredLink(entry: LogEntry, position: string): StoredLink {
  const { id, stream, revision, type, dataJson, metadataJson, prevHash, hash } = entry;
  return { position, id, stream, revision, type, dataJson, metadataJson, prevHash, hash };
}

export function toRecordedEvent(entry: LogEntry, position: string): RecordedEvent {
  const { id, stream, revision, type, prevHash, hash } = entry;
  return {
    id,
    stream,
    revision,
    position,
    type,
    data: JSON.parse(entry.dataJson),
    metadata: JSON.parse(entry.metadataJson),
    prevHash,
    hash,
  };
}
