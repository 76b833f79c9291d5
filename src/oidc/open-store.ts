import { join } from 'node:path';
import { parseEventStoreLocation } from '../eventstore/open-store.ts';
import { openPostgresOidcStore } from './postgres-adapter.ts';
import { openOidcStore } from './sqlite-adapter.ts';
import type { OidcStore } from './store.ts';

/**
 * The provider's store on the deployment's store location: beside the events in PostgreSQL
 * when the log is there (so every instance shares sessions and grants), else `oidc.sqlite` in
 * the data folder (also with KurrentDB, which keeps no such rows).
 */
export function openOidcStoreFor(config: { readonly store: string; readonly dataDir: string }): Promise<OidcStore> {
  const location = parseEventStoreLocation(config.store);
  if (location.kind === 'postgres')
    return openPostgresOidcStore(location.connectionString, location.schema ? { schema: location.schema } : {});
  return Promise.resolve(openOidcStore(join(config.dataDir, 'oidc.sqlite')));
}
