import { parseEventStoreLocation } from '../eventstore/open-store.ts';
import { checkSqliteIntegrity } from '../eventstore/sqlite-checks.ts';
import { stdout } from './output.ts';

/**
 * `audit verify --deep`: the database's own full integrity check, which finds what the chain
 * cannot (an index that no longer matches its table), so a damaged file is never called intact.
 * Returns whether the file passed; a failure is printed as one DAMAGED line.
 */
export async function checkStoreFile(storeUrl: string): Promise<boolean> {
  const location = parseEventStoreLocation(storeUrl);
  if (location.kind !== 'sqlite') {
    await stdout.write(
      `The ${location.kind === 'postgres' ? 'PostgreSQL' : 'KurrentDB'} server keeps its own files: check them with its tools (PostgreSQL: the amcheck extension). Verifying the chain.\n`,
    );
    return true;
  }
  const verdict = await checkSqliteIntegrity(location.file, { deep: true });
  if (verdict.status === 'damaged') {
    await stdout.write(
      `DAMAGED: the event store file ${location.file} fails the integrity check: ${verdict.problem}. Restore the latest backup (README, "Backups and damaged storage").\n`,
    );
    return false;
  }
  await stdout.write(`The event store file ${location.file} passes the full integrity check.\n`);
  return true;
}
