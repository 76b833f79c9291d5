import { escapeIdentifier, Pool } from 'pg';
import type { AdapterPayload } from 'oidc-provider';
import { digest, payloadOf, rowOf, signingKeysRow, type OidcAdapter, type OidcStore } from './store.ts';

export interface PostgresOidcStoreOptions {
  /** The schema of the deployment's log; the provider's table sits beside the events. */
  readonly schema?: string;
  readonly poolSize?: number;
}

interface Row {
  payload: string;
  expires_at: string | null;
  consumed: number | null;
}
const found = (row: Row | undefined) =>
  row && {
    payload: row.payload,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    consumed: row.consumed,
  };

/**
 * The provider's store in the deployment's PostgreSQL database (see `OidcStore`), so every
 * instance serves the same sessions, grants and codes. A code used twice, even at two instances
 * at once, is consumed once: the update that marks it used only counts when it was not yet.
 */
export async function openPostgresOidcStore(
  connectionString: string,
  options: PostgresOidcStoreOptions = {},
): Promise<OidcStore> {
  const schema = escapeIdentifier(options.schema ?? 'latchkey');
  const table = `${schema}.oidc_models`;
  const pool = new Pool({ connectionString, max: options.poolSize ?? 4, connectionTimeoutMillis: 10_000 });
  // An idle connection that drops must not crash the process: the next query reports it.
  pool.on('error', () => undefined);
  const client = await pool.connect().catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  try {
    await client.query('BEGIN');
    // Several instances starting at once create the table once.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`latchkey:oidc:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
        business_id    text   NOT NULL,
        model          text   NOT NULL,
        id_hash        text   NOT NULL,
        payload        text   NOT NULL,
        expires_at     bigint,
        consumed       integer,
        grant_id       text,
        uid_hash       text,
        user_code_hash text,
        account_id     text,
        PRIMARY KEY (business_id, model, id_hash)
      )`);
    for (const [name, columns] of [
      ['oidc_models_grant', 'business_id, grant_id'],
      ['oidc_models_uid', 'business_id, model, uid_hash'],
      ['oidc_models_user_code', 'business_id, model, user_code_hash'],
      ['oidc_models_account', 'business_id, account_id'],
      ['oidc_models_expiry', 'expires_at'],
    ])
      await client.query(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${columns})`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    await pool.end();
    throw error;
  }
  client.release();

  const select = `SELECT payload, expires_at, consumed FROM ${table} WHERE business_id = $1 AND model = $2`;
  const one = async (sql: string, values: unknown[], id: string | null) => {
    const { rows } = await pool.query<Row>(sql, values);
    return payloadOf(found(rows[0]), id);
  };

  return {
    adapterFor(businessId) {
      return class PostgresOidcAdapter implements OidcAdapter {
        constructor(private readonly model: string) {}
        async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
          const row = rowOf(businessId, this.model, id, payload, expiresIn);
          await pool.query(
            `INSERT INTO ${table}
              (business_id, model, id_hash, payload, expires_at, grant_id, uid_hash, user_code_hash, account_id)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
              ON CONFLICT (business_id, model, id_hash) DO UPDATE SET payload = excluded.payload,
                expires_at = excluded.expires_at, grant_id = excluded.grant_id, uid_hash = excluded.uid_hash,
                user_code_hash = excluded.user_code_hash, account_id = excluded.account_id`,
            [
              row.businessId,
              row.model,
              row.idHash,
              row.payload,
              row.expiresAt,
              row.grantId,
              row.uidHash,
              row.userCodeHash,
              row.accountId,
            ],
          );
        }
        find(id: string): Promise<AdapterPayload | undefined> {
          return one(`${select} AND id_hash = $3`, [businessId, this.model, digest(id)], id);
        }
        findByUid(uid: string): Promise<AdapterPayload | undefined> {
          return one(`${select} AND uid_hash = $3`, [businessId, this.model, digest(uid)], null);
        }
        findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
          return one(`${select} AND user_code_hash = $3`, [businessId, this.model, digest(userCode)], null);
        }
        async consume(id: string): Promise<void> {
          await this.consumeOnce(id);
        }
        async consumeOnce(id: string): Promise<boolean> {
          const { rowCount } = await pool.query(
            `UPDATE ${table} SET consumed = $1 WHERE business_id = $2 AND model = $3 AND id_hash = $4 AND consumed IS NULL`,
            [Math.floor(Date.now() / 1000), businessId, this.model, digest(id)],
          );
          return rowCount === 1;
        }
        async destroy(id: string): Promise<void> {
          await pool.query(`DELETE FROM ${table} WHERE business_id = $1 AND model = $2 AND id_hash = $3`, [
            businessId,
            this.model,
            digest(id),
          ]);
        }
        async revokeByGrantId(grantId: string): Promise<void> {
          await pool.query(`DELETE FROM ${table} WHERE business_id = $1 AND grant_id = $2`, [businessId, grantId]);
        }
      };
    },
    async sessionsOfAccount(businessId, accountId) {
      const { rows } = await pool.query<Row>(
        `SELECT payload, expires_at, consumed FROM ${table} WHERE business_id = $1 AND account_id = $2 AND model = 'Session'`,
        [businessId, accountId],
      );
      const sessions = rows.map((row) => payloadOf(found(row), null));
      return sessions.filter((session): session is AdapterPayload => session !== undefined);
    },
    async payloadsOfModel(businessId, model) {
      const { rows } = await pool.query<Row>(select, [businessId, model]);
      const payloads = rows.map((row) => payloadOf(found(row), null));
      return payloads.filter((payload): payload is AdapterPayload => payload !== undefined);
    },
    async readSigningKeys(businessId) {
      const { rows } = await pool.query<{ payload: string }>(
        `SELECT payload FROM ${table} WHERE business_id = $1 AND model = $2 AND id_hash = $3`,
        [businessId, signingKeysRow.model, signingKeysRow.idHash],
      );
      return rows[0]?.payload ?? null;
    },
    async writeSigningKeys(businessId, sealed, expected) {
      const key = [businessId, signingKeysRow.model, signingKeysRow.idHash];
      const { rowCount } =
        expected === null
          ? await pool.query(
              `INSERT INTO ${table} (business_id, model, id_hash, payload) VALUES ($1, $2, $3, $4)
                ON CONFLICT (business_id, model, id_hash) DO NOTHING`,
              [...key, sealed],
            )
          : await pool.query(
              `UPDATE ${table} SET payload = $4 WHERE business_id = $1 AND model = $2 AND id_hash = $3 AND payload = $5`,
              [...key, sealed, expected],
            );
      return rowCount === 1;
    },
    async sweep(now = new Date()) {
      const { rowCount } = await pool.query(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= $1`, [
        now.getTime(),
      ]);
      return rowCount ?? 0;
    },
    close: () => pool.end(),
  };
}
