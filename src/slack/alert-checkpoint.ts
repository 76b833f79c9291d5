import Database from 'better-sqlite3';

export interface AlertCheckpoint {
  read(): string | null;
  write(position: string): void;
  close(): void;
}

/**
 * Where the staff-alert subscription has got to, in its own small SQLite file under the data
 * folder. Not in the read-model database: that one is a cache that may be deleted and rebuilt,
 * and starting the alerts over from an old position would be slow, while starting from "now"
 * would skip alerts. Losing this file only means resuming from the current end of the log.
 */
export function openAlertCheckpoint(file: string): AlertCheckpoint {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS alert_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position TEXT NOT NULL)',
  );
  const select = db.prepare('SELECT position FROM alert_checkpoint WHERE id = 1');
  const upsert = db.prepare(
    'INSERT INTO alert_checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position',
  );
  return {
    read: () => (select.get() as { position: string } | undefined)?.position ?? null,
    write: (position) => void upsert.run(position),
    close: () => db.close(),
  };
}
