import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * The provider's codes, tokens, sessions, grants and interactions, in one SQLite file in the data
 * folder. Rows are keyed by a SHA-256 of the id, so the file never holds a usable code or token by
 * its id; the id is put back into the payload when a row is found by it. Sessions keep their id in
 * the payload, because the provider finds them by uid and needs the id back. Expired rows are
 * never served and are deleted by `sweep`.
 */
export interface OidcStore {
  adapterFor(businessId: string): new (model: string) => Adapter;
  /**
   * The provider's unexpired Session payloads (their `jti` is the session's id) signed in as
   * `accountId` in the business: the look-up back-channel logout needs when a client's Latchkey
   * sessions end.
   */
  sessionsOfAccount(businessId: string, accountId: string): Promise<AdapterPayload[]>;
  /** Deletes rows past their expiry; returns how many. */
  sweep(now?: Date): number;
  close(): void;
}

const digest = (value: string): string => createHash('sha256').update(value).digest('base64url');

interface Row {
  payload: string;
  expires_at: number | null;
  consumed: number | null;
}

export function openOidcStore(file: string): OidcStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.exec(`CREATE TABLE IF NOT EXISTS oidc_models (
      business_id TEXT NOT NULL,
      model       TEXT NOT NULL,
      id_hash     TEXT NOT NULL,
      payload     TEXT NOT NULL,
      expires_at  INTEGER,
      consumed    INTEGER,
      grant_id    TEXT,
      uid_hash    TEXT,
      user_code_hash TEXT,
      account_id  TEXT,
      PRIMARY KEY (business_id, model, id_hash)
    );
    CREATE INDEX IF NOT EXISTS oidc_models_grant ON oidc_models (business_id, grant_id);
    CREATE INDEX IF NOT EXISTS oidc_models_uid ON oidc_models (business_id, model, uid_hash);
    CREATE INDEX IF NOT EXISTS oidc_models_user_code ON oidc_models (business_id, model, user_code_hash);
    CREATE INDEX IF NOT EXISTS oidc_models_expiry ON oidc_models (expires_at);`);
  // A file made before sessions were looked up by account gains the column; its old sessions
  // have none, so they are not found by account until the provider saves them again.
  const columns = db.prepare('PRAGMA table_info(oidc_models)').all() as { name: string }[];
  if (!columns.some((column) => column.name === 'account_id'))
    db.exec('ALTER TABLE oidc_models ADD COLUMN account_id TEXT');
  db.exec('CREATE INDEX IF NOT EXISTS oidc_models_account ON oidc_models (business_id, model, account_id)');
  const upsert = db.prepare(`INSERT INTO oidc_models
      (business_id, model, id_hash, payload, expires_at, grant_id, uid_hash, user_code_hash, account_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (business_id, model, id_hash) DO UPDATE SET payload = excluded.payload,
        expires_at = excluded.expires_at, grant_id = excluded.grant_id, uid_hash = excluded.uid_hash,
        user_code_hash = excluded.user_code_hash, account_id = excluded.account_id`);
  const byId = db.prepare(
    'SELECT payload, expires_at, consumed FROM oidc_models WHERE business_id = ? AND model = ? AND id_hash = ?',
  );
  const byUid = db.prepare(
    'SELECT payload, expires_at, consumed FROM oidc_models WHERE business_id = ? AND model = ? AND uid_hash = ?',
  );
  const byUserCode = db.prepare(
    'SELECT payload, expires_at, consumed FROM oidc_models WHERE business_id = ? AND model = ? AND user_code_hash = ?',
  );
  const byAccount = db.prepare(
    `SELECT payload, expires_at, consumed FROM oidc_models
      WHERE business_id = ? AND model = 'Session' AND account_id = ? AND (expires_at IS NULL OR expires_at > ?)`,
  );
  const consume = db.prepare('UPDATE oidc_models SET consumed = ? WHERE business_id = ? AND model = ? AND id_hash = ?');
  const destroy = db.prepare('DELETE FROM oidc_models WHERE business_id = ? AND model = ? AND id_hash = ?');
  const revoke = db.prepare('DELETE FROM oidc_models WHERE business_id = ? AND grant_id = ?');
  const sweep = db.prepare('DELETE FROM oidc_models WHERE expires_at IS NOT NULL AND expires_at <= ?');

  const toPayload = (row: Row | undefined, id: string | null): AdapterPayload | undefined => {
    if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return {
      ...payload,
      ...(id !== null && payload.jti === undefined ? { jti: id } : {}),
      ...(row.consumed !== null ? { consumed: row.consumed } : {}),
    };
  };

  return {
    adapterFor(businessId) {
      return class SqliteOidcAdapter implements Adapter {
        constructor(private readonly model: string) {}
        upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
          const stored = this.model === 'Session' ? payload : { ...payload, jti: undefined };
          upsert.run(
            businessId,
            this.model,
            digest(id),
            JSON.stringify(stored),
            expiresIn ? Date.now() + expiresIn * 1000 : null,
            payload.grantId ?? null,
            payload.uid ? digest(payload.uid) : null,
            payload.userCode ? digest(payload.userCode) : null,
            this.model === 'Session' && typeof payload.accountId === 'string' ? payload.accountId : null,
          );
          return Promise.resolve();
        }
        find(id: string): Promise<AdapterPayload | undefined> {
          return Promise.resolve(toPayload(byId.get(businessId, this.model, digest(id)) as Row | undefined, id));
        }
        findByUid(uid: string): Promise<AdapterPayload | undefined> {
          return Promise.resolve(toPayload(byUid.get(businessId, this.model, digest(uid)) as Row | undefined, null));
        }
        findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
          const row = byUserCode.get(businessId, this.model, digest(userCode)) as Row | undefined;
          return Promise.resolve(toPayload(row, null));
        }
        consume(id: string): Promise<void> {
          consume.run(Math.floor(Date.now() / 1000), businessId, this.model, digest(id));
          return Promise.resolve();
        }
        destroy(id: string): Promise<void> {
          destroy.run(businessId, this.model, digest(id));
          return Promise.resolve();
        }
        revokeByGrantId(grantId: string): Promise<void> {
          revoke.run(businessId, grantId);
          return Promise.resolve();
        }
      };
    },
    sessionsOfAccount(businessId, accountId) {
      const rows = byAccount.all(businessId, accountId, Date.now()) as Row[];
      const found = rows.map((row) => toPayload(row, null));
      return Promise.resolve(found.filter((payload): payload is AdapterPayload => payload !== undefined));
    },
    sweep: (now = new Date()) => sweep.run(now.getTime()).changes,
    close: () => db.close(),
  };
}
