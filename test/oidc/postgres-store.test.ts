import { openPostgresOidcStore } from '../../src/oidc/postgres-adapter.ts';
import { dropSchema, newSchema, postgresUrl, withPostgres } from '../scale/support.ts';
import { testOidcStore } from './store-contract.ts';

testOidcStore('PostgreSQL', async () => {
  const schema = newSchema();
  const store = await openPostgresOidcStore(postgresUrl, { schema });
  return {
    store,
    openAnother: () => openPostgresOidcStore(postgresUrl, { schema }),
    contents: () =>
      withPostgres(async (client) => JSON.stringify((await client.query(`SELECT * FROM ${schema}.oidc_models`)).rows)),
    dispose: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
});
