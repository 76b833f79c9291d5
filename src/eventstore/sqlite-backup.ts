import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openSqliteEventStore } from './sqlite.ts';
import { verifyChain, type ChainVerdict } from './verify.ts';

/**
 * Copies a SQLite store with SQLite's online backup API: a reader like any other, so the server
 * keeps serving, and a page changed during the copy restarts it, so the copy is one consistent
 * moment of the log. The copy is switched to a rollback journal, which lets an auditor open it
 * read-only on read-only media, and its chain is verified before the backup counts as made.
 */
export async function backupSqliteStore(
  sourceFile: string,
  targetFile: string,
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<ChainVerdict> {
  if (existsSync(targetFile)) throw new Error(`${targetFile} already exists; name a new file`);
  const source = new Database(sourceFile, { readonly: true, fileMustExist: true });
  try {
    await source.backup(targetFile, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.(totalPages === 0 ? 1 : 1 - remainingPages / totalPages);
        return 256;
      },
    });
  } finally {
    source.close();
  }
  const copy = new Database(targetFile);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const store = openSqliteEventStore(targetFile, { readonly: true });
  try {
    return await verifyChain(store);
  } finally {
    await store.close();
  }
}
