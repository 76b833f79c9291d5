import type Database from 'better-sqlite3';
import type { DecodedEvent } from '../domain/events.ts';

/**
 * A read model: its tables, and an `apply` bound to one database. Projections never decide
 * anything the event store can enforce; they serve pages, cards and searches.
 */
export interface Projection {
  readonly name: string;
  readonly schema: string;
  /** Tables compared by `audit rebuild --check`, each with its ordering key. */
  readonly tables: readonly { readonly name: string; readonly orderBy: string }[];
  /** The applier sees every decoded event of the log, and handles those its tables depend on. */
  bind(db: Database.Database): (event: DecodedEvent) => void;
}

/** Folds text for searching: accents and case do not matter ("zoe" finds "Zoë"). */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
