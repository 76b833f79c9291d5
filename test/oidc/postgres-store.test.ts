import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { openPostgresOidcStore } from '../../src/oidc/postgres-adapter.ts';
import { testOidcStore } from './store-contract.ts';

const url = 'postgres://postgres@127.0.0.1:5432/test';

async function asAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

testOidcStore('PostgreSQL', async () => {
  const schema = `latchkey_oidc_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresOidcStore(url, { schema });
  return {
    store,
    openAnother: () => openPostgresOidcStore(url, { schema }),
    contents: () =>
      asAdmin(async (admin) => {
        const { rows } = await admin.query(`SELECT * FROM ${escapeIdentifier(schema)}.oidc_models`);
        return JSON.stringify(rows);
      }),
    dispose: async () => {
      await store.close();
      await asAdmin((admin) => admin.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`));
    },
  };
});
