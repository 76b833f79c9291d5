import type Database from 'better-sqlite3';
import { withSlackSettings, type BusinessSettings } from '../domain/business-settings.ts';
import { isEventOfStream } from '../domain/events.ts';
import type { Projection } from './projection.ts';

export interface BusinessView {
  readonly businessId: string;
  readonly settings: BusinessSettings;
  readonly suspended: boolean;
  readonly suspendedFor: string | null;
  readonly registeredAt: string;
}

interface BusinessRow {
  business_id: string;
  settings: string;
  suspended_for: string | null;
  registered_at: string;
}

/** The businesses of the deployment and their settings, so the site can pick one by its origin. */
export const businessesProjection: Projection = {
  name: 'businesses',
  schema: `
    CREATE TABLE IF NOT EXISTS businesses (
      business_id   TEXT PRIMARY KEY,
      public_origin TEXT NOT NULL,
      settings      TEXT NOT NULL,
      suspended_for TEXT,
      registered_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS businesses_origin ON businesses (public_origin);`,
  tables: [{ name: 'businesses', orderBy: 'business_id' }],
  bind(db) {
    const insert = db.prepare(`INSERT INTO businesses (business_id, public_origin, settings, registered_at)
      VALUES (?, ?, ?, ?)`);
    const select = db.prepare('SELECT settings FROM businesses WHERE business_id = ?');
    const update = db.prepare('UPDATE businesses SET public_origin = ?, settings = ? WHERE business_id = ?');
    const suspend = db.prepare('UPDATE businesses SET suspended_for = ? WHERE business_id = ?');
    const changeSettings = (businessId: string, changes: Partial<BusinessSettings>) => {
      const row = select.get(businessId) as Pick<BusinessRow, 'settings'> | undefined;
      if (!row) return;
      const settings = { ...(JSON.parse(row.settings) as BusinessSettings), ...changes };
      update.run(settings.publicOrigin, JSON.stringify(settings), businessId);
    };
    return (event) => {
      if (!isEventOfStream(event, 'business')) return;
      switch (event.type) {
        case 'BusinessRegistered': {
          const { businessId, settings } = event.data;
          insert.run(businessId, settings.publicOrigin, JSON.stringify(settings), event.metadata.at);
          return;
        }
        case 'BusinessRenamed':
          changeSettings(event.data.businessId, { name: event.data.to });
          return;
        case 'BusinessSettingsChanged':
          changeSettings(event.data.businessId, event.data.changes);
          return;
        case 'BusinessSuspended':
          suspend.run(event.data.reason, event.data.businessId);
          return;
        case 'BusinessReinstated':
          suspend.run(null, event.data.businessId);
          return;
        default: {
          const _exhaustive: never = event;
          return _exhaustive;
        }
      }
    };
  },
};

function toView(row: BusinessRow): BusinessView {
  return {
    businessId: row.business_id,
    // A row folded before the Slack settings existed reads as having none (they are not in its JSON).
    settings: withSlackSettings(JSON.parse(row.settings) as BusinessSettings),
    suspended: row.suspended_for !== null,
    suspendedFor: row.suspended_for,
    registeredAt: row.registered_at,
  };
}

export function createBusinessQueries(db: Database.Database) {
  const byId = db.prepare('SELECT * FROM businesses WHERE business_id = ?');
  const byOrigin = db.prepare('SELECT * FROM businesses WHERE public_origin = ?');
  const all = db.prepare('SELECT * FROM businesses ORDER BY business_id');
  return {
    getBusiness: (businessId: string): BusinessView | null => {
      const row = byId.get(businessId) as BusinessRow | undefined;
      return row ? toView(row) : null;
    },
    /** The business that answers on this origin (normalised, see toOrigin), or null. */
    businessAt: (origin: string): BusinessView | null => {
      const row = byOrigin.get(origin) as BusinessRow | undefined;
      return row ? toView(row) : null;
    },
    listBusinesses: (): BusinessView[] => (all.all() as BusinessRow[]).map(toView),
  };
}

export type BusinessQueries = ReturnType<typeof createBusinessQueries>;
