import { scopedStream } from './business.ts';
import { reject, ok, type Rejection, type Result } from './result.ts';

/** The directory facts Latchkey keeps about a client: only what credentials need. */
export interface ClientDetails {
  readonly firstName: string;
  readonly lastName: string;
  /** Normalised (trimmed, lower case) or null when the business has none on file. */
  readonly email: string | null;
  readonly altEmail: string | null;
  readonly active: boolean;
}

export type ClientEvent =
  | { readonly type: 'ClientRegistered'; readonly data: { readonly clientId: string } & ClientDetails }
  | {
      readonly type: 'ClientDetailsChanged';
      readonly data: { readonly clientId: string; readonly changes: Partial<ClientDetails> };
    }
  | { readonly type: 'ClientArchived'; readonly data: { readonly clientId: string } };

export type ClientState =
  | { readonly status: 'unknown' }
  | { readonly status: 'registered'; readonly clientId: string; readonly details: ClientDetails }
  | { readonly status: 'archived'; readonly clientId: string; readonly details: ClientDetails };

export type ClientCommand =
  | { readonly type: 'RegisterClient'; readonly clientId: string; readonly details: ClientDetails }
  | { readonly type: 'ArchiveClient'; readonly clientId: string };

export const clientStream = (businessId: string, clientId: string): string =>
  scopedStream(businessId, `client-${clientId}`);
export const initialClientState: ClientState = { status: 'unknown' };

export function evolveClient(state: ClientState, event: ClientEvent): ClientState {
  switch (event.type) {
    case 'ClientRegistered': {
      const { clientId, ...details } = event.data;
      return { status: 'registered', clientId, details };
    }
    case 'ClientDetailsChanged':
      return state.status === 'unknown' ? state : { ...state, details: { ...state.details, ...event.data.changes } };
    case 'ClientArchived':
      return state.status === 'unknown' ? state : { ...state, status: 'archived' };
  }
}

/**
 * Registering is an upsert: a new client is registered, a known one gets only the fields that
 * differ, and an unchanged one gets nothing, so importing the same export twice changes nothing.
 */
export function decideClient(command: ClientCommand, state: ClientState): Result<ClientEvent[], Rejection> {
  switch (command.type) {
    case 'RegisterClient': {
      if (state.status === 'unknown') {
        return ok([{ type: 'ClientRegistered', data: { clientId: command.clientId, ...command.details } }]);
      }
      const changes = changedDetails(state.details, command.details);
      if (Object.keys(changes).length === 0) return ok([]);
      return ok([{ type: 'ClientDetailsChanged', data: { clientId: command.clientId, changes } }]);
    }
    case 'ArchiveClient':
      if (state.status === 'unknown') return reject('unknown_client', `There is no client ${command.clientId}.`);
      if (state.status === 'archived') return ok([]);
      return ok([{ type: 'ClientArchived', data: { clientId: command.clientId } }]);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function changedDetails(before: ClientDetails, after: ClientDetails): Partial<ClientDetails> {
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof ClientDetails)[]) {
    if (before[key] !== after[key]) changes[key] = after[key];
  }
  return changes as Partial<ClientDetails>;
}
