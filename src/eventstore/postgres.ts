import { EventEmitter } from 'node:events';
import { escapeIdentifier, Pool, type PoolClient, type QueryResultRow } from 'pg';
import { toAppendError, toAppendLinksError, toUnavailableError } from './postgres-errors.ts';
import { startAppendListener, type AppendListener } from './postgres-listener.ts';
import { postgresMigrations } from './postgres-migrations.ts';
import {
  EventStoreUnavailableError,
  fromRevisionOf,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type StoredLink,
} from './port.ts';

export interface PostgresEventStoreOptions {
  /** The schema that holds the log; created and migrated at open. */
  readonly schema?: string;
  readonly poolSize?: number;
  /**
   * For auditors: no migration is run (a schema behind this Latchkey is refused with a clear
   * message), and every session is read-only, so the open can write nothing.
   */
  readonly readOnly?: boolean;
  /**
   * Test hook only: keep every append's transaction, and so its lock, open this long before
   * committing, to widen the window in which a late commit could be skipped by a reader.
   */
  readonly beforeCommitDelayMs?: number;
}

interface EventRow {
  position: string;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  prev_hash: string;
  hash: string;
}

const columns = 'position, id, stream, revision, type, data, metadata, prev_hash, hash';

/**
 * The PostgreSQL adapter. Every append is one call of the schema's `latchkey_append` function,
 * which serialises writers with a transaction-scoped advisory lock taken before the position is
 * drawn, checks the expected revision and computes the hash chain inside the database. Other
 * processes' appends wake this one's subscribers through LISTEN/NOTIFY.
 */
export async function openPostgresEventStore(
  connectionString: string,
  options: PostgresEventStoreOptions = {},
): Promise<EventStore> {
  const schema = options.schema ?? 'latchkey';
  const qualified = (name: string) => `${escapeIdentifier(schema)}.${name}`;
  const target = describeTarget(connectionString, schema);
  const pool = new Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection that drops must not crash the process: the next query reports it.
  pool.on('error', () => undefined);
  const appended = new EventEmitter();
  appended.setMaxListeners(0);
  let notifications: AppendListener;
  try {
    await (options.readOnly ? checkSchemaIsCurrent(pool, schema) : migrate(pool, schema));
    notifications = await startAppendListener(connectionString, schema, () => appended.emit('append'));
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw toUnavailableError(error, `cannot open the event store at ${target}`);
  }

  async function query<Row extends QueryResultRow>(sql: string, params: unknown[]): Promise<Row[]> {
    try {
      return (await pool.query<Row>(sql, params)).rows;
    } catch (error) {
      throw toUnavailableError(error, `the event store at ${target} is unavailable`);
    }
  }

  const appendSql = `SELECT next_revision, last_position::text FROM ${qualified('latchkey_append')}($1, $2, $3, $4, $5, $6)`;
  const appendLinksSql = `SELECT ${qualified('latchkey_append_links')}($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
  const runAppend = options.beforeCommitDelayMs
    ? (params: unknown[]) => appendThenDelayCommit(pool, appendSql, params, options.beforeCommitDelayMs!)
    : (params: unknown[]) =>
        pool.query<{ next_revision: number; last_position: string }>(appendSql, params).then((r) => r.rows);

  return {
    async append(stream, events, { expected }) {
      const rows = await runAppend(toAppendParams(stream, events, expected)).catch((error: unknown) => {
        throw toAppendError(error, stream, expected, target);
      });
      if (events.length > 0) appended.emit('append');
      const row = rows[0]!;
      return { nextRevision: row.next_revision, position: row.last_position };
    },
    async appendAtomically(appends) {
      const results = await inOneTransaction(pool, async (client) => {
        const rows: AppendResult[] = [];
        for (const { stream, events, expected } of appends) {
          const result = await client
            .query<{ next_revision: number; last_position: string }>(
              appendSql,
              toAppendParams(stream, events, expected),
            )
            .catch((error: unknown) => {
              throw toAppendError(error, stream, expected, target);
            });
          rows.push({ nextRevision: result.rows[0]!.next_revision, position: result.rows[0]!.last_position });
        }
        return rows;
      });
      if (appends.some((a) => a.events.length > 0)) appended.emit('append');
      return results;
    },
    async appendLinks(links) {
      if (links.length === 0) return;
      await pool.query(appendLinksSql, linkColumns(links)).catch((error: unknown) => {
        throw toAppendLinksError(error, links, target);
      });
      appended.emit('append');
    },
    async readStream(stream, options) {
      const rows = await query<EventRow>(
        `SELECT ${columns} FROM ${qualified('events')} WHERE stream = $1 AND revision >= $2 ORDER BY revision`,
        [stream, fromRevisionOf(options)],
      );
      return rows.map(toRecordedEvent);
    },
    async readAll({ after, limit }: ReadAllOptions) {
      return (await readPage(after, limit)).map(tupleToRecordedEvent);
    },
    async readLinks({ after, limit }: ReadAllOptions) {
      return (await readPage(after, limit)).map(tupleToStoredLink);
    },
    comparePositions(a, b) {
      const difference = toPositionBigInt(a) - toPositionBigInt(b);
      return difference === 0n ? 0 : difference < 0n ? -1 : 1;
    },
    onAppend(listener) {
      appended.on('append', listener);
      return () => appended.off('append', listener);
    },
    async close() {
      appended.removeAllListeners();
      await notifications.close();
      await pool.end();
    },
  };

  /**
   * Positions are gap-free, so the next `limit` events are exactly the next `limit` positions. The
   * bounded range keeps the planner on the primary key even before the table has statistics (an
   * open-ended `position > $1` after a bulk import was planned as a full sort, 5x slower). A short
   * page is the end of the log, or a hole left by a deleted row, which is read past so that
   * verification reaches the event after it and reports the break.
   */
  async function readPage(after: string | null | undefined, limit: number): Promise<EventTuple[]> {
    const from = toPositionBigInt(after);
    const range = `SELECT ${columns} FROM ${qualified('events')} WHERE position > $1 AND position <= $2 ORDER BY position`;
    const rows = await queryTuples(range, [from.toString(), (from + BigInt(limit)).toString()]);
    if (rows.length >= limit) return rows;
    const rest = `SELECT ${columns} FROM ${qualified('events')} WHERE position > $1 ORDER BY position LIMIT $2`;
    return rows.concat(await queryTuples(rest, [rows.at(-1)?.[0] ?? from.toString(), limit - rows.length]));
  }

  /** Pages are the hot path of every catch-up: rows as arrays spare pg an object per row. */
  async function queryTuples(sql: string, params: unknown[]): Promise<EventTuple[]> {
    try {
      return (await pool.query<EventTuple>({ text: sql, values: params, rowMode: 'array' })).rows;
    } catch (error) {
      throw toUnavailableError(error, `the event store at ${target} is unavailable`);
    }
  }
}

/** A read-only open migrates nothing: the schema must already be exactly at this Latchkey's version. */
async function checkSchemaIsCurrent(pool: Pool, schema: string): Promise<void> {
  const table = `${escapeIdentifier(schema)}.schema_migrations`;
  const { rows } = await pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  if (!rows[0]?.present)
    throw new EventStoreUnavailableError(`there is no event store in schema ${schema}: check LATCHKEY_STORE`);
  const applied = await pool.query<{ version: number }>(`SELECT coalesce(max(version), 0) AS version FROM ${table}`);
  const current = applied.rows[0]!.version;
  if (current !== postgresMigrations.length) {
    throw new EventStoreUnavailableError(
      `schema ${schema} is at migration ${current} and this Latchkey needs ${postgresMigrations.length}; a read-only audit does not migrate: ` +
        (current < postgresMigrations.length
          ? 'start Latchkey once with write access (or restore into a scratch database and open it there) to migrate it, then audit'
          : 'upgrade Latchkey'),
    );
  }
}

/** Creates the schema and applies the migrations it lacks, one process at a time. */
function migrate(pool: Pool, schema: string): Promise<void> {
  return inOneTransaction(pool, async (client) => {
    const { rows } = await client.query<{ server_encoding: string }>('SHOW server_encoding');
    if (rows[0]?.server_encoding !== 'UTF8') {
      throw new Error(`the database's encoding is ${rows[0]?.server_encoding}; the event store needs a UTF8 database`);
    }
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`latchkey:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
    await client.query(`SET LOCAL search_path TO ${escapeIdentifier(schema)}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = await client.query<{ version: number }>(
      'SELECT coalesce(max(version), 0) AS version FROM schema_migrations',
    );
    const current = applied.rows[0]!.version;
    if (current > postgresMigrations.length) {
      throw new Error(
        `schema ${schema} is at migration ${current}, newer than this Latchkey knows (${postgresMigrations.length}): upgrade Latchkey`,
      );
    }
    for (let version = current + 1; version <= postgresMigrations.length; version++) {
      await client.query(postgresMigrations[version - 1]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
    }
  });
}

function appendThenDelayCommit(pool: Pool, sql: string, params: unknown[], delayMs: number) {
  return inOneTransaction(pool, async (client) => {
    const result = await client.query<{ next_revision: number; last_position: string }>(sql, params);
    await client.query('SELECT pg_sleep($1)', [delayMs / 1000]);
    return result.rows;
  });
}

/** Runs `work` between BEGIN and COMMIT on one pooled connection; any failure rolls it all back. */
async function inOneTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client: PoolClient = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection that failed mid-transaction is discarded, not handed to the next caller.
    client.release(failure);
  }
}

function toAppendParams(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): unknown[] {
  return [
    stream,
    String(expected),
    events.map((e) => e.id),
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e.data)),
    events.map((e) => JSON.stringify(e.metadata)),
  ];
}

/** Where the store lives, for messages: never the password a connection string may carry. */
function describeTarget(connectionString: string, schema: string): string {
  try {
    const url = new URL(connectionString);
    return `postgres://${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname} (schema ${schema})`;
  } catch {
    return `the configured PostgreSQL database (schema ${schema})`;
  }
}

function toPositionBigInt(position: string | null | undefined): bigint {
  if (position === null || position === undefined) return 0n;
  if (!/^\d+$/.test(position)) throw new RangeError(`not a position of this store: ${position}`);
  return BigInt(position);
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The columns in `columns` order. */
type EventTuple = [string, string, string, number, string, string, string, string, string];

function tupleToRecordedEvent(row: EventTuple): RecordedEvent {
  return {
    id: row[1],
    stream: row[2],
    revision: row[3],
    position: row[0],
    type: row[4],
    data: JSON.parse(row[5]),
    metadata: JSON.parse(row[6]),
    prevHash: row[7],
    hash: row[8],
  };
}

function tupleToStoredLink(row: EventTuple): StoredLink {
  return {
    position: row[0],
    id: row[1],
    stream: row[2],
    revision: row[3],
    type: row[4],
    dataJson: row[5],
    metadataJson: row[6],
    prevHash: row[7],
    hash: row[8],
  };
}

/** A page of links as the nine parallel arrays that `latchkey_append_links` and `unnest` take. */
export function linkColumns(links: readonly StoredLink[]): unknown[][] {
  const column = <K extends keyof StoredLink>(key: K) => links.map((link) => link[key]);
  return [
    column('position'),
    column('id'),
    column('stream'),
    column('revision'),
    column('type'),
    column('dataJson'),
    column('metadataJson'),
    column('prevHash'),
    column('hash'),
  ];
}
