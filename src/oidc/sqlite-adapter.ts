import Database from 'better-sqlite3';
import type { AdapterPayload } from 'oidc-provider';
import { digest, payloadOf, rowOf, signingKeysRow, type OidcAdapter, type OidcStore } from './store.ts';

export type { OidcStore } from './store.ts';

interface Row {
  payload: string;
  expires_at: number | null;
  consumed: number | null;
}
const found = (row: Row | undefined) =>
  row && { payload: row.payload, expiresAt: row.expires_at, consumed: row.consumed };

/** The provider's store in one SQLite file in the data folder (see `OidcStore`). */
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
      PRIMARY KEY (business_id, model, id_hash)
    );
    CREATE INDEX IF NOT EXISTS oidc_models_grant ON oidc_models (business_id, grant_id);
    CREATE INDEX IF NOT EXISTS oidc_models_uid ON oidc_models (business_id, model, uid_hash);
    CREATE INDEX IF NOT EXISTS oidc_models_user_code ON oidc_models (business_id, model, user_code_hash);
    CREATE INDEX IF NOT EXISTS oidc_models_expiry ON oidc_models (expires_at);`);
  // Files made before sessions were looked up by client lack the column.
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('oidc_models') as string[];
  if (!columns.includes('account_id')) db.exec('ALTER TABLE oidc_models ADD COLUMN account_id TEXT');
  db.exec('CREATE INDEX IF NOT EXISTS oidc_models_account ON oidc_models (business_id, account_id)');

  const upsert = db.prepare(`INSERT INTO oidc_models
      (business_id, model, id_hash, payload, expires_at, grant_id, uid_hash, user_code_hash, account_id)
      VALUES (@businessId, @model, @idHash, @payload, @expiresAt, @grantId, @uidHash, @userCodeHash, @accountId)
      ON CONFLICT (business_id, model, id_hash) DO UPDATE SET payload = excluded.payload,
        expires_at = excluded.expires_at, grant_id = excluded.grant_id, uid_hash = excluded.uid_hash,
        user_code_hash = excluded.user_code_hash, account_id = excluded.account_id`);
  const select = 'SELECT payload, expires_at, consumed FROM oidc_models WHERE business_id = ? AND model = ?';
  const byId = db.prepare(`${select} AND id_hash = ?`);
  const byUid = db.prepare(`${select} AND uid_hash = ?`);
  const byUserCode = db.prepare(`${select} AND user_code_hash = ?`);
  const byAccount = db.prepare(
    `SELECT payload, expires_at, consumed FROM oidc_models WHERE business_id = ? AND account_id = ? AND model = 'Session'`,
  );
  const byModel = db.prepare(`${select}`);
  const consume = db.prepare(
    'UPDATE oidc_models SET consumed = ? WHERE business_id = ? AND model = ? AND id_hash = ? AND consumed IS NULL',
  );
  const destroy = db.prepare('DELETE FROM oidc_models WHERE business_id = ? AND model = ? AND id_hash = ?');
  const revoke = db.prepare('DELETE FROM oidc_models WHERE business_id = ? AND grant_id = ?');
  const sweep = db.prepare('DELETE FROM oidc_models WHERE expires_at IS NOT NULL AND expires_at <= ?');
  const keysRow = 'business_id = @businessId AND model = @model AND id_hash = @idHash';
  const readKeys = db.prepare(`SELECT payload FROM oidc_models WHERE ${keysRow}`).pluck();
  const insertKeys = db.prepare(`INSERT INTO oidc_models (business_id, model, id_hash, payload)
      VALUES (@businessId, @model, @idHash, @sealed) ON CONFLICT (business_id, model, id_hash) DO NOTHING`);
  const replaceKeys = db.prepare(`UPDATE oidc_models SET payload = @sealed WHERE ${keysRow} AND payload = @expected`);

  return {
    adapterFor(businessId) {
      return class SqliteOidcAdapter implements OidcAdapter {
        constructor(private readonly model: string) {}
        upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
          upsert.run(rowOf(businessId, this.model, id, payload, expiresIn));
          return Promise.resolve();
        }
        find(id: string): Promise<AdapterPayload | undefined> {
          return Promise.resolve(payloadOf(found(byId.get(businessId, this.model, digest(id)) as Row | undefined), id));
        }
        findByUid(uid: string): Promise<AdapterPayload | undefined> {
          const row = byUid.get(businessId, this.model, digest(uid)) as Row | undefined;
          return Promise.resolve(payloadOf(found(row), null));
        }
        findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
          const row = byUserCode.get(businessId, this.model, digest(userCode)) as Row | undefined;
          return Promise.resolve(payloadOf(found(row), null));
        }
        consume(id: string): Promise<void> {
          return this.consumeOnce(id).then(() => undefined);
        }
        consumeOnce(id: string): Promise<boolean> {
          const { changes } = consume.run(Math.floor(Date.now() / 1000), businessId, this.model, digest(id));
          return Promise.resolve(changes === 1);
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
      const rows = byAccount.all(businessId, accountId) as Row[];
      const sessions = rows.map((row) => payloadOf(found(row), null));
      return Promise.resolve(sessions.filter((session): session is AdapterPayload => session !== undefined));
    },
    payloadsOfModel(businessId, model) {
      const payloads = (byModel.all(businessId, model) as Row[]).map((row) => payloadOf(found(row), null));
      return Promise.resolve(payloads.filter((payload): payload is AdapterPayload => payload !== undefined));
    },
    readSigningKeys(businessId) {
      return Promise.resolve((readKeys.get({ businessId, ...signingKeysRow }) as string | undefined) ?? null);
    },
    writeSigningKeys(businessId, sealed, expected) {
      const row = { businessId, ...signingKeysRow, sealed };
      const { changes } = expected === null ? insertKeys.run(row) : replaceKeys.run({ ...row, expected });
      return Promise.resolve(changes === 1);
    },
    sweep: (now = new Date()) => Promise.resolve(sweep.run(now.getTime()).changes),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
