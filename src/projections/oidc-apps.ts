import type Database from 'better-sqlite3';
import { isEventOfStream } from '../domain/events.ts';
import type { Projection } from './projection.ts';

/** What pages and the CLI may show of an app: never its secret's hash. */
export interface OidcAppView {
  readonly businessId: string;
  readonly appId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly backchannelLogoutUri: string | null;
  readonly firstParty: boolean;
  readonly registeredAt: string;
}

interface OidcAppRow {
  business_id: string;
  app_id: string;
  name: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  backchannel_logout_uri: string | null;
  first_party: number;
  registered_at: string;
}

/** The apps (relying parties) each business registered; removed apps leave the table. */
export const oidcAppsProjection: Projection = {
  name: 'oidc-apps',
  schema: `
    CREATE TABLE IF NOT EXISTS oidc_apps (
      app_id                    TEXT PRIMARY KEY,
      business_id               TEXT NOT NULL,
      name                      TEXT NOT NULL,
      redirect_uris             TEXT NOT NULL,
      post_logout_redirect_uris TEXT NOT NULL,
      backchannel_logout_uri    TEXT,
      secret_hash               TEXT NOT NULL,
      first_party               INTEGER NOT NULL,
      registered_at             TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS oidc_apps_business ON oidc_apps (business_id, app_id);`,
  tables: [{ name: 'oidc_apps', orderBy: 'app_id' }],
  bind(db) {
    const insert = db.prepare(`INSERT INTO oidc_apps (app_id, business_id, name, redirect_uris,
      post_logout_redirect_uris, backchannel_logout_uri, secret_hash, first_party, registered_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const rotate = db.prepare('UPDATE oidc_apps SET secret_hash = ? WHERE app_id = ?');
    const remove = db.prepare('DELETE FROM oidc_apps WHERE app_id = ?');
    return (event) => {
      if (!isEventOfStream(event, 'oidc-app')) return;
      switch (event.type) {
        case 'OidcAppRegistered': {
          const app = event.data;
          insert.run(
            app.appId,
            app.businessId,
            app.name,
            JSON.stringify(app.redirectUris),
            JSON.stringify(app.postLogoutRedirectUris),
            app.backchannelLogoutUri,
            app.secretHash,
            app.firstParty ? 1 : 0,
            event.metadata.at,
          );
          return;
        }
        case 'OidcAppSecretRotated':
          rotate.run(event.data.secretHash, event.data.appId);
          return;
        case 'OidcAppRemoved':
          remove.run(event.data.appId);
          return;
        default: {
          const _exhaustive: never = event;
          return _exhaustive;
        }
      }
    };
  },
};

function toView(row: OidcAppRow): OidcAppView {
  return {
    businessId: row.business_id,
    appId: row.app_id,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    backchannelLogoutUri: row.backchannel_logout_uri,
    firstParty: row.first_party === 1,
    registeredAt: row.registered_at,
  };
}

const viewColumns = `app_id, business_id, name, redirect_uris, post_logout_redirect_uris, backchannel_logout_uri,
  first_party, registered_at`;

export function createOidcAppQueries(db: Database.Database) {
  const byId = db.prepare(`SELECT ${viewColumns} FROM oidc_apps WHERE business_id = ? AND app_id = ?`);
  const all = db.prepare(`SELECT ${viewColumns} FROM oidc_apps WHERE business_id = ? ORDER BY name, app_id`);
  const hashOf = db.prepare('SELECT secret_hash FROM oidc_apps WHERE business_id = ? AND app_id = ?');
  return {
    getApp: (businessId: string, appId: string): OidcAppView | null => {
      const row = byId.get(businessId, appId) as OidcAppRow | undefined;
      return row ? toView(row) : null;
    },
    listApps: (businessId: string): OidcAppView[] => (all.all(businessId) as OidcAppRow[]).map(toView),
    /** Only for checking a presented client secret; never shown. */
    secretHashOf: (businessId: string, appId: string): string | null =>
      (hashOf.get(businessId, appId) as { secret_hash: string } | undefined)?.secret_hash ?? null,
  };
}

export type OidcAppQueries = ReturnType<typeof createOidcAppQueries>;
