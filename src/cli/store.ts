import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { EventStoreLocation, OpenEventStoreOptions } from '../eventstore/open-store.ts';
import type { EventStore } from '../eventstore/port.ts';
import { fail } from './errors.ts';
import { stdout } from './output.ts';

const locationHelp = 'sqlite:<path>, postgres://…[?schema=<name>] or kurrentdb://…';

export function registerStoreCommands(program: Command): void {
  const store = program.command('store').description('back up the event log, or move it to another backend');

  store
    .command('backup')
    .description('copy the SQLite event store into a new file, consistently, while Latchkey keeps serving')
    .argument('<file>', 'the backup file to create (it must not exist)')
    .action(async (file: string) => {
      const [{ loadConfig }, { parseEventStoreLocation }] = await Promise.all([
        import('../config.ts'),
        import('../eventstore/open-store.ts'),
      ]);
      const location = parseEventStoreLocation(loadConfig().store);
      if (location.kind === 'postgres')
        fail(
          'the event store is on PostgreSQL: back it up with pg_dump (pg_dump --format=custom --schema=<schema> --file=<file> <database>) and restore with pg_restore; see "Backups and damaged storage" in the README',
        );
      if (location.kind === 'kurrentdb')
        fail(
          "the event store is on KurrentDB: back it up with KurrentDB's own backup procedure (a file copy of its stopped node or its snapshots)",
        );
      await backupSqlite(location.file, file);
    });

  store
    .command('copy')
    .description(
      'copy the whole log, in order and with its ids and hash chain, into a new empty store (stop every instance first)',
    )
    .requiredOption('--from <location>', `the store to copy: ${locationHelp}`)
    .requiredOption('--to <location>', `an empty store to copy into: ${locationHelp}`)
    .action(async (options: { from: string; to: string }) => {
      const { parseEventStoreLocation } = await import('../eventstore/open-store.ts');
      const parseSide = (option: string, location: string): EventStoreLocation => {
        try {
          return parseEventStoreLocation(location);
        } catch (error) {
          return fail(`${option}: ${(error as Error).message}`);
        }
      };
      const from = parseSide('--from', options.from);
      const to = parseSide('--to', options.to);
      if (from.kind === 'sqlite' && !existsSync(from.file))
        fail(`--from: there is no event store at ${from.file}; check the path`);
      // A SQLite source opens read-only: a slip in the arguments can never change the log being copied.
      const source = await openSide('--from', options.from, { sqlite: { readonly: true } });
      try {
        const target = await openSide('--to', options.to);
        try {
          await copyWithProgress(source, target, {
            from: describeLocation(from, options.from),
            to: describeLocation(to, options.to),
          });
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    });
}

async function backupSqlite(sourceFile: string, targetFile: string): Promise<void> {
  if (!existsSync(sourceFile))
    fail(`there is no event store at ${sourceFile}; check LATCHKEY_STORE or LATCHKEY_DATA_DIR`);
  if (existsSync(targetFile)) fail(`${targetFile} already exists: name a new file, so no backup is ever overwritten`);
  const [{ backupSqliteStore }, { createProgress }] = await Promise.all([
    import('../eventstore/sqlite-backup.ts'),
    import('./progress.ts'),
  ]);
  const progress = createProgress('Backing up', 100, { rateUnit: '%' });
  let verdict;
  try {
    verdict = await backupSqliteStore(sourceFile, targetFile, {
      onProgress: (fraction) => progress.update(Math.round(fraction * 100)),
    });
  } catch (error) {
    fail(`the backup to ${targetFile} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    progress.stop();
  }
  if (!verdict.ok) {
    fail(
      `the backup ${targetFile} was written but its chain does not verify (${verdict.problem}): the store itself is damaged; run \`latchkey audit verify --deep\``,
    );
  }
  await stdout.write(
    `Backed up ${verdict.eventsChecked} events to ${targetFile}; every link of its chain verified` +
      (verdict.headPosition === null
        ? '.\n'
        : ` (head: position ${verdict.headPosition}, hash ${verdict.headHash}).\n`) +
      'To restore: stop Latchkey, put this file in place of the store file (removing its -wal and -shm files), keep the same pepper, start again.\n',
  );
}

async function copyWithProgress(
  source: EventStore,
  target: EventStore,
  names: { from: string; to: string },
): Promise<void> {
  if ((await target.readAll({ after: null, limit: 1 })).length > 0) {
    fail(
      `--to: ${names.to} already holds events. Copy into a new, empty store: a new SQLite file, or a new PostgreSQL schema with ?schema=<name>.`,
    );
  }
  const [{ copyEventStore }, { createProgress }] = await Promise.all([
    import('../eventstore/copy.ts'),
    import('./progress.ts'),
  ]);
  const total = await countEvents(source);
  const progress = createProgress('Copying events', total, { rateUnit: 'events' });
  let copied = 0;
  try {
    const result = await copyEventStore(source, target, {
      onProgress: (eventsCopied) => {
        copied = eventsCopied;
        // Events appended while copying are copied too, but the bar stops at the count it started with.
        progress.update(Math.min(eventsCopied, total));
      },
    });
    copied = result.eventsCopied;
  } catch (error) {
    fail(
      `the copy stopped after ${copied} of ${total} events: ${error instanceof Error ? error.message : String(error)}. ` +
        `${names.to} now holds a partial log: delete it (or drop its schema) and run the copy again.`,
    );
  } finally {
    progress.stop();
  }
  await stdout.write(
    `Copied ${copied} events from ${names.from} to ${names.to}, keeping their order, ids and hash chain.\n` +
      'Check the copy: run `latchkey audit verify`, then `latchkey audit rebuild --check`, with LATCHKEY_STORE set to the --to location.\n',
  );
}

/** The progress bar needs a total; reading the raw links is the cheapest pass every backend offers. */
async function countEvents(store: EventStore): Promise<number> {
  let count = 0;
  for (let after: string | null = null; ;) {
    const links = await store.readLinks({ after, limit: 10_000 });
    if (links.length === 0) return count;
    count += links.length;
    after = links[links.length - 1]!.position;
  }
}

async function openSide(option: string, location: string, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  const { openEventStore } = await import('../eventstore/open-store.ts');
  try {
    return await openEventStore(location, options);
  } catch (error) {
    return fail(`${option}: ${(error as Error).message}`);
  }
}

/** For messages: where the store is, never the password a connection string may carry. */
function describeLocation(location: EventStoreLocation, raw: string): string {
  if (location.kind === 'sqlite') return `sqlite:${location.file}`;
  return raw.replace(/^([a-z+]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
