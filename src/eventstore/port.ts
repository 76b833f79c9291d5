/**
 * The event store port. Semantics follow KurrentDB everywhere so that every adapter
 * (sqlite, postgres, kurrentdb) can honour the same contract suite.
 */

/** What a writer expects of the stream before its append. Revisions are 0-based. */
export type ExpectedRevision = 'no_stream' | 'exists' | 'any' | number;

export interface Actor {
  readonly kind: 'staff' | 'client' | 'system' | 'cli';
  readonly id: string;
  readonly name?: string;
}

export interface EventMetadata {
  readonly actor: Actor;
  /** The command that produced the event: retries of one command append nothing new. */
  readonly commandId?: string;
  /** The event that caused this one (e.g. a mail request for the mail that was sent). */
  readonly causationId?: string;
  /** When the command was decided, from the application clock (ISO 8601). */
  readonly at: string;
  /** The shape version of the event's data; absent for version 1 (see decodeEvent). */
  readonly eventVersion?: number;
  /**
   * The business the event belongs to. Every event appended today records it; events recorded
   * before businesses existed have none, and decodeEvent reads them as the default business's.
   */
  readonly businessId?: string;
}

export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  /** Opaque, strictly increasing and gap-free across the whole store. */
  readonly position: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /** Hex SHA-256 of the previous event's link ('' for the first event). */
  readonly prevHash: string;
  /** Hex SHA-256 chain link over this event and prevHash. */
  readonly hash: string;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextRevision: number;
  /** Position of the last event appended (or found, for an idempotent re-append). */
  readonly position: string;
}

export interface ReadStreamOptions {
  /** Read from this revision on (0-based, inclusive): what a reader holding a snapshot at an earlier revision needs. */
  readonly fromRevision?: number;
}

/** The first revision a stream read returns; a revision that is not a whole number ≥ 0 is a caller's bug. */
export function fromRevisionOf(options: ReadStreamOptions | undefined): number {
  const from = options?.fromRevision ?? 0;
  if (!Number.isSafeInteger(from) || from < 0) {
    throw new RangeError(`readStream: fromRevision must be a whole number from 0, not ${String(from)}`);
  }
  return from;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; null or absent reads from the start. */
  readonly after?: string | null;
  readonly limit: number;
}

/** One link of the tamper-evidence chain, with the exact bytes the store keeps. */
export interface StoredLink {
  readonly position: string;
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** One stream's part of an append that spans several streams. */
export interface StreamAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
}

export interface EventStore {
  append(stream: string, events: readonly NewEvent[], options: { expected: ExpectedRevision }): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction, in the order given: all of them or, when any
   * one fails its expected revision, none. Optional: a store without it (KurrentDB) is written one
   * stream at a time.
   */
  appendAtomically?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** A stream's events in revision order, from `fromRevision` on (past the end: none). */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The same order as readAll, unparsed, for auditors who must check every stored byte. */
  readLinks(options: ReadAllOptions): Promise<StoredLink[]>;
  /**
   * Appends links read from another store's readLinks, byte for byte, as the next links of this
   * store's chain (how `store copy` writes a page at once). Every link must sit at the next
   * position, name the link before it (the head's hash, for the first) as its previous-hash,
   * recompute to its own hash, carry its stream's next revision and a new id. Any link that does
   * not is refused (ChainLinkRejectedError, WrongExpectedRevisionError, DuplicateEventIdError)
   * before anything is written.
   */
  appendLinks(links: readonly StoredLink[]): Promise<void>;
  /** Compares two positions of this store (negative, zero, positive). */
  comparePositions(a: string, b: string): number;
  /** A hint that something may have been appended; subscribers still poll. Returns an unsubscribe. */
  onAppend(listener: () => void): () => void;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, found ${String(actual)}`);
  }
}

/** An event id already exists with different content or in a different place. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly eventId: string,
    readonly stream: string,
  ) {
    super(`event ${eventId} already exists and does not match the append to ${stream}`);
  }
}

/** A copied link that does not continue this store's chain at its position. */
export class ChainLinkRejectedError extends Error {
  override readonly name = 'ChainLinkRejectedError';
  constructor(
    readonly position: string,
    problem: string,
  ) {
    super(`the link at position ${position} ${problem}`);
  }
}

export class EventStoreUnavailableError extends Error {
  override readonly name: string = 'EventStoreUnavailableError';
}

/**
 * The store's storage is damaged (its file fails an integrity check, or the chain it holds does not
 * verify): reads still work, for auditors, but every write is refused until a backup is restored.
 */
export class StoreDamagedError extends EventStoreUnavailableError {
  override readonly name: string = 'StoreDamagedError';
}

/** An append refused because the link it would continue does not verify: nothing was written. */
export class BrokenChainError extends StoreDamagedError {
  override readonly name = 'BrokenChainError';
  constructor(
    readonly position: string,
    readonly problem: string,
    message: string,
  ) {
    super(message);
  }
}

/** The one rule every adapter applies, given the stream's current revision (null: no stream). */
export function checkExpectedRevision(stream: string, expected: ExpectedRevision, current: number | null): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === null) ||
    (expected === 'exists' && current !== null) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no_stream');
}
