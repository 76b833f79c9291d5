import type { EventStore } from './port.ts';
import type { PostgresEventStoreOptions } from './postgres.ts';
import { checkSqliteIntegrity, defaultQuickCheckTimeoutMs } from './sqlite-checks.ts';
import { openSqliteEventStore, type SqliteEventStoreOptions } from './sqlite.ts';

export interface OpenEventStoreOptions {
  readonly sqlite?: SqliteEventStoreOptions;
  readonly postgres?: PostgresEventStoreOptions;
}

export type EventStoreLocation =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema?: string }
  | { readonly kind: 'kurrentdb'; readonly connectionString: string };

export const acceptedEventStoreForms =
  'sqlite:<path> (or a bare file path), postgres://… or postgresql://… (optionally ?schema=<name>), kurrentdb://… (or esdb://…)';

/**
 * Opens the store one setting names, so changing backend is a configuration change. The server
 * adapters load on demand: the KurrentDB client alone adds half a second to every start-up.
 */
export async function openEventStore(url: string, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  const location = parseEventStoreLocation(url);
  switch (location.kind) {
    case 'sqlite':
      return openCheckedSqliteStore(location.file, options.sqlite ?? {});
    case 'postgres': {
      const { openPostgresEventStore } = await import('./postgres.ts');
      return openPostgresEventStore(location.connectionString, {
        ...options.postgres,
        ...(location.schema ? { schema: location.schema } : {}),
      });
    }
    case 'kurrentdb': {
      const { openKurrentDbEventStore } = await import('./kurrentdb.ts');
      return openKurrentDbEventStore(location.connectionString);
    }
    default: {
      const _: never = location;
      throw new Error(`unhandled event store location ${String(_)}`);
    }
  }
}

/**
 * A store opened for writing first passes SQLite's quick integrity check (bounded in time) and has
 * the last links of its chain recomputed; a store that fails either opens for reading only.
 */
async function openCheckedSqliteStore(file: string, options: SqliteEventStoreOptions): Promise<EventStore> {
  if (options.readonly) return openSqliteEventStore(file, options);
  const integrity = await checkSqliteIntegrity(file, { timeoutMs: defaultQuickCheckTimeoutMs });
  return openSqliteEventStore(file, {
    ...options,
    ...(integrity.status === 'damaged' ? { knownDamage: integrity.problem } : {}),
  });
}

export function parseEventStoreLocation(url: string): EventStoreLocation {
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(url)?.[1]?.toLowerCase();
  // A single letter before the colon is a Windows drive, not a scheme.
  if (scheme === undefined) {
    if (url.trim() === '') throw new Error(`the event store location is empty; use ${acceptedEventStoreForms}`);
    return { kind: 'sqlite', file: url };
  }
  if (scheme === 'sqlite') {
    const file = url.replace(/^sqlite:(\/\/)?/i, '');
    if (file === '') throw new Error(`the sqlite event store location names no file; use ${acceptedEventStoreForms}`);
    return { kind: 'sqlite', file };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') return parsePostgresLocation(url);
  if (scheme === 'kurrentdb' || scheme === 'kurrentdb+discover') return { kind: 'kurrentdb', connectionString: url };
  // The client still reads esdb:// but warns that it is deprecated; say it the current way.
  if (scheme === 'esdb' || scheme === 'esdb+discover')
    return { kind: 'kurrentdb', connectionString: `kurrentdb${url.slice('esdb'.length)}` };
  throw new Error(`unknown event store location scheme "${scheme}:"; use ${acceptedEventStoreForms}`);
}

/**
 * `?schema=<name>` picks the schema that holds the log (default `latchkey`), so one setting can
 * name a second log in the same database, as a migration target or a test. libpq has no such
 * parameter, so it is taken out before the connection string reaches the driver.
 */
function parsePostgresLocation(url: string): EventStoreLocation {
  const query = url.indexOf('?');
  if (query === -1) return { kind: 'postgres', connectionString: url };
  const params = new URLSearchParams(url.slice(query + 1));
  const schema = params.get('schema');
  if (schema === null) return { kind: 'postgres', connectionString: url };
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(
      `the PostgreSQL schema "${schema}" is not a plain name: use lower-case letters, digits and _ (at most 63), not starting with a digit`,
    );
  }
  params.delete('schema');
  const rest = params.toString();
  return { kind: 'postgres', connectionString: url.slice(0, query) + (rest ? `?${rest}` : ''), schema };
}
