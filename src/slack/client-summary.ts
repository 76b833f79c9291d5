import type { AppDeps } from '../app/deps.ts';
import type { ClientView } from '../projections/clients.ts';
import type { CredentialView } from '../projections/credentials.ts';
import { describeLoginStatus, type LoginStatus } from '../projections/login-status.ts';
import { foldForSearch } from '../projections/projection.ts';

/** What a client card shows: read models only, and nothing that could hold a hash or a secret. */
export interface ClientSummary {
  readonly client: ClientView;
  readonly credential: CredentialView | null;
  readonly status: LoginStatus;
}

/** Why a search found a client, said on the card when it was not the name. */
export type SearchMatch = 'name' | 'email' | 'client id';

export function summariseClient(deps: Pick<AppDeps, 'readModels' | 'clock'>, clientId: string): ClientSummary | null {
  const client = deps.readModels.clients.getClient(clientId);
  if (!client) return null;
  const credential = deps.readModels.credentials.getCredential(clientId);
  return { client, credential, status: describeLoginStatus(credential, deps.clock.now()) };
}

/**
 * Like a search box: a client id typed whole finds that client first (staff copy ids from the
 * booking system), then every client whose name or email holds each word typed.
 */
export function searchClientSummaries(
  deps: Pick<AppDeps, 'readModels' | 'clock'>,
  text: string,
  limit: number,
): { summary: ClientSummary; matchedOn: SearchMatch }[] {
  const byId = summariseClient(deps, text.trim());
  const words = foldForSearch(text).split(/\s+/).filter(Boolean);
  const byText = deps.readModels.clients
    .searchClients(text, limit)
    .filter((client) => client.clientId !== byId?.client.clientId)
    .flatMap((client) => {
      const summary = summariseClient(deps, client.clientId);
      if (!summary) return [];
      const name = foldForSearch(clientName(client));
      return [{ summary, matchedOn: words.every((word) => name.includes(word)) ? 'name' : ('email' as SearchMatch) }];
    });
  return [...(byId ? [{ summary: byId, matchedOn: 'client id' as SearchMatch }] : []), ...byText].slice(0, limit);
}

export const clientName = (client: Pick<ClientView, 'firstName' | 'lastName'>): string =>
  `${client.firstName} ${client.lastName}`.trim();
