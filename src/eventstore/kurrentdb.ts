import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  WrongExpectedVersionError,
  type AppendStreamState,
  type EventData,
  type JSONType,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import { computeChainHash } from './chain.ts';
import { checkLinkRevisionsAndIds, checkLinksContinueChain, splitIntoStreamRuns } from './links.ts';
import {
  collectEvents,
  comparePositions,
  isLogConflict,
  toDivergedStreamError,
  toLogRevisionAfter,
  toPosition,
  toRecordedEvent,
  toStoredLink,
  toStreamStateBefore,
  toUnavailableError,
  type LogEntry,
} from './kurrentdb-mapping.ts';
import {
  checkExpectedRevision,
  DuplicateEventIdError,
  fromRevisionOf,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type StoredLink,
} from './port.ts';

/** The part of the KurrentDB client this adapter uses (an in-memory stand-in can take its place in tests). */
export type KurrentDbClientPort = Pick<KurrentDBClient, 'appendToStream' | 'readStream' | 'dispose'>;

export interface KurrentDbEventStoreOptions {
  /** Prefix of the streams the adapter keeps for itself: `<namespace>-log`, `<namespace>-event-<id>`. */
  readonly namespace?: string;
}

interface Logged {
  readonly logRevision: bigint;
  readonly entry: LogEntry;
}

/** Where an event id was stored, so a retried append can be recognised and a reused id refused. */
interface Reservation {
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly position: string;
}

interface ChainFieldsInMetadata {
  readonly latchkeyChain?: { readonly position: string; readonly prevHash: string; readonly hash: string };
}

const maxLogAttempts = 50;

/**
 * KurrentDB cannot compute the hash chain, and its $all positions are only known after a commit,
 * so the chain cannot cover them. Instead one log stream (`<namespace>-log`) is the store's total
 * order: every event is appended there first, with the log's head revision as expected state,
 * which serialises all writers and makes positions (log revision + 1) gap-free and known in
 * advance. The chain link is computed client-side over that position. The event is then written
 * to its own stream (and its id reserved in `<namespace>-event-<id>`) with exact expected
 * revisions; every writer first completes the head's append, so if a writer dies between the two
 * steps, the next reader or writer finishes its work. Expected revisions are checked against the
 * completed streams under the log's compare-and-set, never by KurrentDB itself. Streams written
 * by this adapter must not be written to by anything else.
 */
export function openKurrentDbEventStore(
  connectionString: string,
  options: KurrentDbEventStoreOptions = {},
): EventStore {
  return createKurrentDbEventStore(KurrentDBClient.connectionString(connectionString), options);
}

/** The adapter over any client with KurrentDB's semantics (tests pass an in-memory stand-in). */
export function createKurrentDbEventStore(
  client: KurrentDbClientPort,
  options: KurrentDbEventStoreOptions = {},
): EventStore {
  const namespace = options.namespace ?? 'latchkey';
  const logStream = `${namespace}-log`;
  const reservationStream = (eventId: string) => `${namespace}-event-${eventId}`;
  const appended = new EventEmitter();
  appended.setMaxListeners(0);

  async function readLog(fromRevision: bigint, maxCount: number): Promise<Logged[]> {
    return toLogged(await collectEvents(client.readStream(logStream, { fromRevision, maxCount })));
  }

  async function readLogHead(): Promise<Logged | null> {
    return (
      toLogged(
        await collectEvents(client.readStream(logStream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })),
      )[0] ?? null
    );
  }

  async function readLastRevision(stream: string): Promise<number | null> {
    const [last] = await collectEvents(
      client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
    );
    return last?.event ? Number(last.event.revision) : null;
  }

  async function readReservation(eventId: string): Promise<Reservation | null> {
    const [reserved] = await collectEvents(client.readStream(reservationStream(eventId), { maxCount: 1 }));
    return (reserved?.event?.data as Reservation | undefined) ?? null;
  }

  async function write(stream: string, events: EventData[], streamState: AppendStreamState): Promise<void> {
    try {
      await client.appendToStream(stream, events, { streamState });
    } catch (error) {
      throw error instanceof WrongExpectedVersionError ? toDivergedStreamError(error) : toUnavailableError(error);
    }
  }

  /** Writes a logged append to its stream; idempotent, as KurrentDB accepts the same ids at the same revisions again. */
  async function completeAppend(batch: readonly Logged[]): Promise<void> {
    await Promise.all(
      batch.map(({ entry, logRevision }) =>
        write(reservationStream(entry.id), [toReservationEvent(entry, logRevision)], NO_STREAM),
      ),
    );
    const first = batch[0]!.entry;
    await write(first.stream, batch.map(toStreamEvent), toStreamStateBefore(first.revision));
  }

  /** Only the log's last append can be unfinished: each writer completes it before extending the log. */
  async function completeHead(): Promise<Logged | null> {
    const head = await readLogHead();
    if (!head) return null;
    const streamRevision = await readLastRevision(head.entry.stream);
    if (streamRevision === null || streamRevision < head.entry.revision) {
      await completeAppend(await readLog(head.logRevision - BigInt(head.entry.batchIndex), head.entry.batchIndex + 1));
    }
    return head;
  }

  /** One attempt under the log's compare-and-set; null when another writer extended the log first. */
  async function appendOnce(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | null> {
    const head = await completeHead();
    const reservations = await Promise.all(events.map((event) => readReservation(event.id)));
    if (reservations[0]) return confirmIdempotentAppend(stream, events, reservations);
    refuseReusedIds(stream, events, reservations);
    const current = await readLastRevision(stream);
    checkExpectedRevision(stream, expected, current);
    if (events.length === 0)
      return { nextRevision: current ?? -1, position: head ? toPosition(head.logRevision) : '0' };
    const batch = chainBatch(head, stream, current, events);
    try {
      await client.appendToStream(logStream, batch.map(toLogEvent), {
        streamState: head ? head.logRevision : NO_STREAM,
      });
    } catch (error) {
      if (isLogConflict(error, logStream)) return null;
      throw toUnavailableError(error);
    }
    await completeAppend(batch);
    appended.emit('append');
    const last = batch[batch.length - 1]!;
    return { nextRevision: last.entry.revision, position: toPosition(last.logRevision) };
  }

  /** Every link is checked before any is written, so a refused page leaves the store as it was. */
  async function checkLinks(head: Logged | null, links: readonly StoredLink[]): Promise<void> {
    checkLinksContinueChain(head ? { position: toPosition(head.logRevision), hash: head.entry.hash } : null, links);
    const streams = [...new Set(links.map((link) => link.stream))];
    const revisions = new Map(
      await Promise.all(streams.map(async (stream) => [stream, await readLastRevision(stream)] as const)),
    );
    checkLinkRevisionsAndIds(links, (stream) => revisions.get(stream) ?? null);
    const reservations = await Promise.all(links.map((link) => readReservation(link.id)));
    const reused = links.find((_, index) => reservations[index]);
    if (reused) throw new DuplicateEventIdError(reused.id, reused.stream);
  }

  return {
    async appendLinks(links) {
      if (links.length === 0) return;
      const head = await completeHead();
      await checkLinks(head, links);
      // One log append per stream run, as `append` writes them: only the log's last append can be unfinished.
      let logRevision = head ? head.logRevision + 1n : 0n;
      for (const run of splitIntoStreamRuns(links)) {
        const batch = run.map(({ position: _, ...link }, batchIndex) => ({
          logRevision: logRevision + BigInt(batchIndex),
          entry: { ...link, batchIndex },
        }));
        try {
          await client.appendToStream(logStream, batch.map(toLogEvent), {
            streamState: logRevision === 0n ? NO_STREAM : logRevision - 1n,
          });
        } catch (error) {
          if (!isLogConflict(error, logStream)) throw toUnavailableError(error);
          throw new Error(
            'another writer appended to the store during the copy: copy into a store nothing else writes to',
            { cause: error },
          );
        }
        await completeAppend(batch);
        logRevision += BigInt(run.length);
      }
      appended.emit('append');
    },
    async append(stream, events, { expected }) {
      for (let attempt = 1; attempt <= maxLogAttempts; attempt++) {
        const result = await appendOnce(stream, events, expected);
        if (result) return result;
        await sleep(Math.random() * Math.min(100, 5 * attempt));
      }
      throw new Error(`append to ${stream} lost the race for the KurrentDB log ${maxLogAttempts} times; retry later`);
    },
    async readStream(stream, options) {
      const fromRevision = BigInt(fromRevisionOf(options));
      await completeHead();
      const resolved = await collectEvents(client.readStream(stream, { fromRevision }));
      return resolved.flatMap(({ event }) => (event ? [fromStreamEvent(event)] : []));
    },
    async readAll({ after, limit }) {
      return (await readLog(toLogRevisionAfter(after), limit)).map(({ entry, logRevision }) =>
        toRecordedEvent(entry, toPosition(logRevision)),
      );
    },
    async readLinks({ after, limit }) {
      return (await readLog(toLogRevisionAfter(after), limit)).map(({ entry, logRevision }) =>
        toStoredLink(entry, toPosition(logRevision)),
      );
    },
    comparePositions,
    // Only this process's appends are announced; subscribers' polling sees everyone else's.
    onAppend(listener) {
      appended.on('append', listener);
      return () => appended.off('append', listener);
    },
    async close() {
      appended.removeAllListeners();
      await client.dispose();
    },
  };
}

// Vendor seams: the client types event data and metadata as its own JSONType; what this adapter
// wrote there (log entries, reservations, chain metadata) is read back as the shape it wrote.
function toLogged(resolved: readonly { event?: KurrentRecordedEvent }[]): Logged[] {
  return resolved.flatMap(({ event }) =>
    event ? [{ logRevision: event.revision, entry: event.data as unknown as LogEntry }] : [],
  );
}

function chainBatch(
  head: Logged | null,
  stream: string,
  current: number | null,
  events: readonly NewEvent[],
): Logged[] {
  let prevHash = head?.entry.hash ?? '';
  return events.map((event, batchIndex) => {
    const logRevision = (head ? head.logRevision + 1n : 0n) + BigInt(batchIndex);
    const revision = (current ?? -1) + 1 + batchIndex;
    const fields = {
      id: event.id,
      stream,
      revision,
      type: event.type,
      dataJson: JSON.stringify(event.data),
      metadataJson: JSON.stringify(event.metadata),
    };
    const hash = computeChainHash(prevHash, { ...fields, position: toPosition(logRevision) });
    const entry: LogEntry = { ...fields, prevHash, hash, batchIndex };
    prevHash = hash;
    return { logRevision, entry };
  });
}

function confirmIdempotentAppend(
  stream: string,
  events: readonly NewEvent[],
  reservations: readonly (Reservation | null)[],
): AppendResult {
  const first = reservations[0]!;
  for (const [index, event] of events.entries()) {
    const found = reservations[index];
    if (!found || found.stream !== stream || found.revision !== first.revision + index || found.type !== event.type) {
      throw new DuplicateEventIdError(event.id, stream);
    }
  }
  const last = reservations[events.length - 1]!;
  return { nextRevision: last.revision, position: last.position };
}

function refuseReusedIds(
  stream: string,
  events: readonly NewEvent[],
  reservations: readonly (Reservation | null)[],
): void {
  const seen = new Set<string>();
  for (const [index, event] of events.entries()) {
    if (reservations[index] || seen.has(event.id)) throw new DuplicateEventIdError(event.id, stream);
    seen.add(event.id);
  }
}

function toLogEvent({ entry }: Logged): EventData {
  // Vendor seam: a LogEntry is plain JSON, which the client's JSONType does not see.
  return jsonEvent({ id: entry.id, type: 'LatchkeyEventLogged', data: entry as unknown as JSONType });
}

function toReservationEvent(entry: LogEntry, logRevision: bigint): EventData {
  const reservation: Reservation = {
    stream: entry.stream,
    revision: entry.revision,
    type: entry.type,
    position: toPosition(logRevision),
  };
  // Vendor seam: as in toLogEvent.
  return jsonEvent({ id: entry.id, type: 'LatchkeyEventIdReserved', data: reservation as unknown as JSONType });
}

function toStreamEvent({ entry, logRevision }: Logged): EventData {
  const latchkeyChain = { position: toPosition(logRevision), prevHash: entry.prevHash, hash: entry.hash };
  const metadata = { ...(JSON.parse(entry.metadataJson) as EventMetadata), latchkeyChain };
  return jsonEvent({ id: entry.id, type: entry.type, data: JSON.parse(entry.dataJson) as JSONType, metadata });
}

function fromStreamEvent(event: KurrentRecordedEvent): RecordedEvent {
  // Vendor seam: the metadata is what toStreamEvent wrote; the client types it as JSONType.
  const { latchkeyChain, ...metadata } = (event.metadata ?? {}) as unknown as EventMetadata & ChainFieldsInMetadata;
  if (!latchkeyChain)
    throw new Error(`KurrentDB stream ${event.streamId} holds event ${event.id}, which Latchkey did not write`);
  const { position, prevHash, hash } = latchkeyChain;
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: event.data,
    metadata,
    prevHash,
    hash,
  };
}
