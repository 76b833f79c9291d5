import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { computeChainHash } from './chain.ts';
import { describeDamage, findBrokenLink } from './damage.ts';
import { checkLinkRevisionsAndIds, checkLinksContinueChain, type ChainHead } from './links.ts';
import {
  BrokenChainError,
  checkExpectedRevision,
  DuplicateEventIdError,
  fromRevisionOf,
  EventStoreUnavailableError,
  StoreDamagedError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type StoredLink,
  type StreamAppend,
} from './port.ts';

const schema = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY,
  id        TEXT    NOT NULL UNIQUE,
  stream    TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  prev_hash TEXT    NOT NULL,
  hash      TEXT    NOT NULL,
  UNIQUE (stream, revision)
) STRICT;
`;

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  prev_hash: string;
  hash: string;
}

export interface SqliteEventStoreOptions {
  /** How long a writer waits for another process's write lock before failing. */
  readonly busyTimeoutMs?: number;
  readonly readonly?: boolean;
  /** Damage found before the open (by checkSqliteIntegrity): the store then refuses every write. */
  readonly knownDamage?: string | null;
  /** How many links at the end of the log are recomputed at open (default 1000). */
  readonly tailLinksToVerify?: number;
}

/**
 * The embedded default: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged
 * append survives power loss. Appends run in BEGIN IMMEDIATE, which serialises writers across
 * processes; positions are drawn inside that lock, so the log has no gaps and readers never
 * see a later position commit before an earlier one.
 */
export function openSqliteEventStore(file: string, options: SqliteEventStoreOptions = {}): EventStore {
  const db = openDatabase(file, options);
  const statements = prepare(db);
  const damage = options.knownDamage ?? findTailDamage(statements, options.tailLinksToVerify ?? 1_000);
  const refuseWritesIfDamaged = () => {
    if (damage !== null) throw new StoreDamagedError(describeDamage(file, damage));
  };
  const appended = new EventEmitter();
  appended.setMaxListeners(0);

  /**
   * One stream's append, in its own savepoint, continuing the chain from `known`: the head as this
   * transaction has it, read and recomputed (verifiedHead) by the first append that needs it, then
   * handed on from append to append, so a group checks the stored end of the chain once.
   */
  const appendTransaction = db.transaction(
    (
      stream: string,
      events: readonly NewEvent[],
      expected: ExpectedRevision,
      known: KnownHead,
    ): { result: AppendResult; head: KnownHead } => {
      const first = events[0];
      if (first) {
        const existing = statements.findById.get(first.id) as EventRow | undefined;
        if (existing) return { result: confirmIdempotentAppend(statements, stream, events, existing), head: known };
      }
      const current = (statements.streamRevision.get(stream) as { revision: number | null }).revision;
      checkExpectedRevision(stream, expected, current);
      const last = known === undefined ? verifiedHead(statements, file) : known;
      let position = Number(last?.position ?? 0);
      let prevHash = last?.hash ?? '';
      let revision = current ?? -1;
      for (const event of events) {
        position += 1;
        revision += 1;
        const dataJson = JSON.stringify(event.data);
        const metadataJson = JSON.stringify(event.metadata);
        const hash = computeChainHash(prevHash, {
          position: String(position),
          id: event.id,
          stream,
          revision,
          type: event.type,
          dataJson,
          metadataJson,
        });
        statements.insert.run(position, event.id, stream, revision, event.type, dataJson, metadataJson, prevHash, hash);
        prevHash = hash;
      }
      const head = events.length > 0 ? { position: String(position), hash: prevHash } : last;
      return { result: { nextRevision: revision, position: String(position) }, head };
    },
  );
  /** One append of a transaction; a savepoint that rolled back threw, and leaves the known head as it was. */
  const appendInTransaction = (append: StreamAppend, chain: { head: KnownHead }): AppendResult => {
    const { result, head } = appendTransaction(append.stream, append.events, append.expected, chain.head);
    chain.head = head;
    return result;
  };

  // One prepared insert in one transaction: a page of copied links costs one commit.
  const appendLinksTransaction = db.transaction((links: readonly StoredLink[]) => {
    checkLinksContinueChain(verifiedHead(statements, file), links);
    checkLinkRevisionsAndIds(
      links,
      (stream) => (statements.streamRevision.get(stream) as { revision: number | null }).revision,
    );
    for (const link of links) {
      if (statements.hasId.get(link.id)) throw new DuplicateEventIdError(link.id, link.stream);
      statements.insert.run(
        Number(link.position),
        link.id,
        link.stream,
        link.revision,
        link.type,
        link.dataJson,
        link.metadataJson,
        link.prevHash,
        link.hash,
      );
    }
  });

  const commitGroup = createGroupCommit(db, appendInTransaction, () => appended.emit('append'));
  const appendAll = db.transaction((appends: readonly StreamAppend[]) => {
    const chain: { head: KnownHead } = { head: undefined };
    return appends.map((a) => appendInTransaction(a, chain));
  });

  /** Every failure of the file leaves here as one of the port's errors, naming the file. */
  const guard = async <T>(work: () => T | Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toStorageError(error, file, damage);
    }
  };

  return {
    append: (stream, events, { expected }) =>
      guard(() => {
        refuseWritesIfDamaged();
        return commitGroup({ stream, events, expected });
      }),
    appendAtomically: (appends) =>
      guard(() => {
        refuseWritesIfDamaged();
        const results = appendAll.immediate(appends);
        if (appends.some((a) => a.events.length > 0)) appended.emit('append');
        return results;
      }),
    appendLinks: (links) =>
      guard(() => {
        if (links.length === 0) return;
        refuseWritesIfDamaged();
        appendLinksTransaction.immediate(links);
        appended.emit('append');
      }),
    readStream: (stream, options) =>
      guard(() => toRecordedEvents(statements.readStream.all(stream, fromRevisionOf(options)) as EventTuple[])),
    readAll: ({ after, limit }: ReadAllOptions) =>
      guard(() => toRecordedEvents(statements.readAllRows.all(toPositionNumber(after), limit) as EventTuple[])),
    readLinks: ({ after, limit }: ReadAllOptions) =>
      guard(() => (statements.readAll.all(toPositionNumber(after), limit) as EventRow[]).map(toStoredLink)),
    comparePositions(a, b) {
      return Math.sign(toPositionNumber(a) - toPositionNumber(b));
    },
    onAppend(listener) {
      appended.on('append', listener);
      return () => appended.off('append', listener);
    },
    async close() {
      appended.removeAllListeners();
      db.close();
    },
  };
}

/**
 * Group commit: appends that arrive in the same turn of the event loop share one durable
 * transaction (one fsync), each inside its own savepoint, so one append's conflict rolls back
 * only itself. Every caller still gets its own result only after the commit is on disk.
 */
function createGroupCommit(
  db: Database.Database,
  appendOne: (append: StreamAppend, chain: { head: KnownHead }) => AppendResult,
  onCommitted: () => void,
) {
  let queue: { append: StreamAppend; resolve: (r: AppendResult) => void; reject: (e: unknown) => void }[] = [];
  const commitAll = db.transaction((batch: typeof queue) => {
    const chain: { head: KnownHead } = { head: undefined };
    return batch.map(({ append }) => {
      try {
        return { ok: true as const, result: appendOne(append, chain) };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
  });
  function flush(): void {
    const batch = queue;
    queue = [];
    let outcomes: ReturnType<typeof commitAll>;
    try {
      outcomes = commitAll.immediate(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) =>
      outcome.ok ? batch[i]!.resolve(outcome.result) : batch[i]!.reject(outcome.error),
    );
    if (outcomes.some((o) => o.ok)) onCommitted();
  }
  return (append: StreamAppend): Promise<AppendResult> =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ append, resolve, reject });
    });
}

function openDatabase(file: string, options: SqliteEventStoreOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = options.readonly ? openForReading(file) : new Database(file, { readonly: false, fileMustExist: false });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(schema);
    } else {
      db.prepare('SELECT count(*) FROM events').get();
    }
    return db;
  } catch (error) {
    db?.close();
    throw new EventStoreUnavailableError(`cannot open the event store at ${file}: ${describeSqliteError(error)}`, {
      cause: error,
    });
  }
}

/** A damaged page can read back as a row of nulls in NOT NULL columns, rather than as an error. */
class UnreadableRowError extends Error {
  constructor(position: number | null) {
    super(`a stored event (position ${String(position)}) reads back without its fields`);
  }
}

/**
 * SQLite's failures of the file itself, as the port's errors: a full disk and an I/O error may pass
 * (the command can be tried again), a malformed file is damage. Anything else is a bug and passes
 * through unchanged.
 */
function toStorageError(error: unknown, file: string, knownDamage: string | null): unknown {
  if (error instanceof EventStoreUnavailableError) return error;
  const code = (error as { code?: unknown }).code;
  if (
    error instanceof UnreadableRowError ||
    code === 'SQLITE_NOTADB' ||
    (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))
  ) {
    const what =
      knownDamage ??
      (error instanceof UnreadableRowError ? error.message : `the database file is malformed (${String(code)})`);
    return new StoreDamagedError(describeDamage(file, what), { cause: error });
  }
  if (code === 'SQLITE_FULL')
    return new EventStoreUnavailableError(
      `the event store at ${file} cannot grow: the disk is full (SQLITE_FULL). Nothing was written; free some space and try again`,
      { cause: error },
    );
  if (typeof code === 'string' && code.startsWith('SQLITE_IOERR'))
    return new EventStoreUnavailableError(
      `the event store at ${file} had an I/O error (${code}). The command was not completed; check the disk (its free space and health) and try again`,
      { cause: error },
    );
  return error;
}

/**
 * Read-only, writing nothing: a store in WAL mode needs its -shm file, which SQLite creates beside
 * it. On a read-only folder that cannot be made, so a file with no write-ahead log to replay (a
 * backup, a store closed cleanly) is read from memory instead, as the rollback-journal file it is.
 */
function openForReading(file: string): Database.Database {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare('SELECT count(*) FROM events').get();
    return db;
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    const walPending = existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0;
    if (!/^SQLITE_(CANTOPEN|READONLY)/.test(code) || walPending || !existsSync(file)) throw error;
    const bytes = readFileSync(file);
    // Bytes 18 and 19 of the header say WAL (2) or rollback journal (1); memory holds no WAL.
    if (bytes.length >= 20) bytes.fill(1, 18, 20);
    return new Database(bytes, { readonly: true });
  }
}

function describeSqliteError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return 'the file is not a SQLite database or is corrupted: restore the latest backup (README, "Backups and damaged storage")';
  if (code === 'SQLITE_CANTOPEN')
    return 'the file or its folder cannot be opened (does the folder exist and is it writable?)';
  if (code === 'SQLITE_READONLY') return 'the file is read-only';
  if (code === 'SQLITE_FULL' || (typeof code === 'string' && code.startsWith('SQLITE_IOERR')))
    return `the disk is full or failing (${code}): free some space, check the disk, and try again`;
  return error instanceof Error ? error.message : String(error);
}

function prepare(db: Database.Database) {
  const columns = 'position, id, stream, revision, type, data, metadata, prev_hash, hash';
  return {
    findById: db.prepare(`SELECT ${columns} FROM events WHERE id = ?`),
    hasId: db.prepare('SELECT 1 FROM events WHERE id = ?').pluck(),
    streamRevision: db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
    lastLinks: db.prepare(`SELECT ${columns} FROM events ORDER BY position DESC LIMIT ?`),
    insert: db.prepare(`INSERT INTO events (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    readStream: db
      .prepare(`SELECT ${columns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision`)
      .raw(true),
    readAll: db.prepare(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    // Reads are the hot path of every command and subscriber: rows as arrays skip an object per row.
    readAllRows: db.prepare(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true),
    byStreamRevision: db.prepare(`SELECT ${columns} FROM events WHERE stream = ? AND revision = ?`),
  };
}

/**
 * The last links of the log, recomputed at open: a damaged end of the log is found before anything
 * is appended after it, without the cost of verifying the whole chain on every start.
 */
function findTailDamage(statements: ReturnType<typeof prepare>, count: number): string | null {
  try {
    const broken = findBrokenLink((statements.lastLinks.all(count) as EventRow[]).reverse().map(toStoredLink));
    return broken ? `the event at position ${broken.position}, among the last ${count}: ${broken.problem}` : null;
  } catch (error) {
    // A damaged page can also come back as rows of nulls, which fail as a TypeError here.
    return `its last ${count} events cannot be read (${describeSqliteError(error)})`;
  }
}

/**
 * The head of the chain, once its last link has been recomputed and found to name the one before
 * it: an append never continues a chain whose end was changed or damaged, so the damage stays at
 * the link where it happened instead of being sealed under new, valid-looking links.
 */
function verifiedHead(statements: ReturnType<typeof prepare>, file: string): ChainHead | null {
  const links = (statements.lastLinks.all(2) as EventRow[]).reverse().map(toStoredLink);
  const broken = findBrokenLink(links);
  if (broken) {
    throw new BrokenChainError(
      broken.position,
      broken.problem,
      describeDamage(
        file,
        `the event at position ${broken.position}, where this append would continue the chain: ${broken.problem}`,
      ),
    );
  }
  const head = links[links.length - 1];
  return head ? { position: head.position, hash: head.hash } : null;
}

/** The end of the chain as one write transaction knows it: undefined until an append reads it from the file. */
type KnownHead = ChainHead | null | undefined;

/** A retried append whose events are already stored, unchanged and in place, succeeds as a no-op. */
function confirmIdempotentAppend(
  statements: ReturnType<typeof prepare>,
  stream: string,
  events: readonly NewEvent[],
  first: EventRow,
): AppendResult {
  let row: EventRow | undefined = first;
  for (const [index, event] of events.entries()) {
    if (index > 0) row = statements.byStreamRevision.get(stream, first.revision + index) as EventRow | undefined;
    if (!row || row.id !== event.id || row.stream !== stream || row.type !== event.type) {
      throw new DuplicateEventIdError(event.id, stream);
    }
  }
  return { nextRevision: row!.revision, position: String(row!.position) };
}

function toPositionNumber(position: string | null | undefined): number {
  if (position === null || position === undefined) return 0;
  const value = Number(position);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a position of this store: ${position}`);
  return value;
}

type EventTuple = [number, string, string, number, string, string, string, string, string];

/** A page of rows as events: a plain loop into an array of the page's length, a little faster than map on the replay's hot path. */
function toRecordedEvents(rows: readonly EventTuple[]): RecordedEvent[] {
  const events = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) events[i] = tupleToRecordedEvent(rows[i]!);
  return events;
}

/** Indexed rather than destructured: array destructuring walks an iterator per row, which halved replay speed. */
function tupleToRecordedEvent(row: EventTuple): RecordedEvent {
  if (row[1] === null) throw new UnreadableRowError(row[0]);
  return {
    id: row[1],
    stream: row[2],
    revision: row[3],
    position: String(row[0]),
    type: row[4],
    data: JSON.parse(row[5]),
    metadata: JSON.parse(row[6]),
    prevHash: row[7],
    hash: row[8],
  };
}

function toStoredLink(row: EventRow): StoredLink {
  if (row.id === null) throw new UnreadableRowError(row.position);
  return {
    position: String(row.position),
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    type: row.type,
    dataJson: row.data,
    metadataJson: row.metadata,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
