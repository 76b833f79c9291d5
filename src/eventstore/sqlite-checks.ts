import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type IntegrityVerdict =
  | { readonly status: 'ok' }
  | { readonly status: 'damaged'; readonly problem: string }
  /** The check did not finish in its time; the file may be fine, `audit verify --deep` decides. */
  | { readonly status: 'unfinished' };

/** How long an open may spend on PRAGMA quick_check before it goes on without its answer. */
export const defaultQuickCheckTimeoutMs = 2_000;

/**
 * Plain JavaScript for the worker, so it runs the same from the sources and from the built package.
 * It opens its own read-only connection: a check never holds the store's connection or its locks.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  const rows = db.pragma(workerData.pragma, { simple: false });
  parentPort.postMessage({ lines: rows.map((row) => String(Object.values(row)[0])) });
} catch (error) {
  parentPort.postMessage({ failure: error && error.message ? error.message : String(error) });
} finally {
  if (db) db.close();
}
`;

/**
 * Runs SQLite's own structural check of a database file in a worker thread, so a large file costs
 * the open at most `timeoutMs`: past that the open goes on, and the check's thread is left to
 * finish on its own without keeping the process alive.
 */
export function checkSqliteIntegrity(
  file: string,
  options: { deep?: boolean; timeoutMs?: number } = {},
): Promise<IntegrityVerdict> {
  if (!existsSync(file) || statSync(file).size === 0) return Promise.resolve({ status: 'ok' });
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const pragma = options.deep ? 'integrity_check(20)' : 'quick_check(20)';
  const worker = new Worker(workerSource, { eval: true, workerData: { file, driver, pragma } });
  return new Promise((resolve) => {
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            worker.unref();
            resolve({ status: 'unfinished' });
          }, options.timeoutMs);
    const settle = (verdict: IntegrityVerdict) => {
      if (timer) clearTimeout(timer);
      resolve(verdict);
    };
    worker.once('message', (message: { lines?: string[]; failure?: string }) => {
      if (message.failure !== undefined) settle({ status: 'damaged', problem: message.failure });
      else settle(toVerdict(message.lines ?? []));
    });
    worker.once('error', (error) => settle({ status: 'damaged', problem: error.message }));
  });
}

/** SQLite answers one row "ok", or up to the limit of rows that each name a problem. */
function toVerdict(lines: readonly string[]): IntegrityVerdict {
  if (lines.length === 1 && lines[0] === 'ok') return { status: 'ok' };
  const problems = lines
    .flatMap((line) => line.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('***'));
  const shown = problems.slice(0, 3).join('; ');
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return { status: 'damaged', problem: `the integrity check found ${shown}${more}` };
}
