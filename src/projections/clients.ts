import type Database from 'better-sqlite3';
import type { ClientDetails } from '../domain/client.ts';
import { businessOf, isEventOfStream } from '../domain/events.ts';
import { escapeLike, foldForSearch, type Projection } from './projection.ts';

export interface ClientView {
  readonly clientId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string | null;
  readonly altEmail: string | null;
  readonly active: boolean;
  readonly archived: boolean;
}

interface ClientRow {
  client_id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  alt_email: string | null;
  active: number;
  archived: number;
}

export const clientsProjection: Projection = {
  name: 'clients',
  schema: `
    CREATE TABLE IF NOT EXISTS clients (
      business_id TEXT NOT NULL,
      client_id   TEXT NOT NULL,
      first_name  TEXT NOT NULL,
      last_name   TEXT NOT NULL,
      email       TEXT,
      alt_email   TEXT,
      active      INTEGER NOT NULL,
      archived    INTEGER NOT NULL DEFAULT 0,
      search_text TEXT NOT NULL,
      PRIMARY KEY (business_id, client_id)
    );
    CREATE INDEX IF NOT EXISTS clients_email ON clients (business_id, email);`,
  tables: [{ name: 'clients', orderBy: 'business_id, client_id' }],
  bind(db) {
    const insert =
      db.prepare(`INSERT INTO clients (business_id, client_id, first_name, last_name, email, alt_email, active, search_text)
      VALUES (@businessId, @clientId, @firstName, @lastName, @email, @altEmail, @active, @searchText)`);
    const select = db.prepare('SELECT * FROM clients WHERE business_id = ? AND client_id = ?');
    const update = db.prepare(`UPDATE clients SET first_name = @firstName, last_name = @lastName, email = @email,
      alt_email = @altEmail, active = @active, search_text = @searchText
      WHERE business_id = @businessId AND client_id = @clientId`);
    const archive = db.prepare('UPDATE clients SET archived = 1 WHERE business_id = ? AND client_id = ?');
    const toParams = (businessId: string, clientId: string, d: ClientDetails) => ({
      businessId,
      clientId,
      ...d,
      active: d.active ? 1 : 0,
      searchText: searchText(d),
    });
    return (event) => {
      if (!isEventOfStream(event, 'client')) return;
      const businessId = businessOf(event);
      switch (event.type) {
        case 'ClientRegistered': {
          const { clientId, ...details } = event.data;
          insert.run(toParams(businessId, clientId, details));
          return;
        }
        case 'ClientDetailsChanged': {
          const row = select.get(businessId, event.data.clientId) as ClientRow | undefined;
          if (row) update.run(toParams(businessId, row.client_id, { ...toView(row), ...event.data.changes }));
          return;
        }
        case 'ClientArchived':
          archive.run(businessId, event.data.clientId);
          return;
        default: {
          const _exhaustive: never = event;
          return _exhaustive;
        }
      }
    };
  },
};

function searchText(d: Pick<ClientDetails, 'firstName' | 'lastName' | 'email'>): string {
  return foldForSearch(`${d.firstName} ${d.lastName} ${d.email ?? ''}`);
}

function toView(row: ClientRow): ClientView {
  return {
    clientId: row.client_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    altEmail: row.alt_email,
    active: row.active === 1,
    archived: row.archived === 1,
  };
}

/** One business's clients. */
export function createClientQueries(db: Database.Database, businessId: string) {
  const byId = db.prepare('SELECT * FROM clients WHERE business_id = ? AND client_id = ?');
  const byEmail = db.prepare(
    'SELECT * FROM clients WHERE business_id = ? AND email = ? AND archived = 0 ORDER BY client_id',
  );
  const searches = new Map<number, Database.Statement>();
  const searchStatement = (wordCount: number) => {
    let statement = searches.get(wordCount);
    if (!statement) {
      const clauses = Array.from({ length: wordCount }, () => `search_text LIKE ? ESCAPE '\\'`).join(' AND ');
      statement = db.prepare(
        `SELECT * FROM clients WHERE business_id = ? AND archived = 0 AND ${clauses} ORDER BY last_name, first_name, client_id LIMIT ?`,
      );
      searches.set(wordCount, statement);
    }
    return statement;
  };
  const all = db.prepare('SELECT * FROM clients WHERE business_id = ? AND archived = 0 ORDER BY client_id');
  return {
    getClient: (clientId: string): ClientView | null => {
      const row = byId.get(businessId, clientId) as ClientRow | undefined;
      return row ? toView(row) : null;
    },
    findClientsByEmail: (email: string): ClientView[] =>
      (byEmail.all(businessId, email.trim().toLowerCase()) as ClientRow[]).map(toView),
    /** Like a search box: every word typed must appear somewhere in the name or email. */
    searchClients(text: string, limit = 20): ClientView[] {
      const words = [...new Set(foldForSearch(text).split(/\s+/).filter(Boolean))].slice(0, 8);
      if (words.length === 0) return [];
      const patterns = words.map((word) => `%${escapeLike(word)}%`);
      return (searchStatement(words.length).all(businessId, ...patterns, limit) as ClientRow[]).map(toView);
    },
    listClients: (): ClientView[] => (all.all(businessId) as ClientRow[]).map(toView),
  };
}

export type ClientQueries = ReturnType<typeof createClientQueries>;
