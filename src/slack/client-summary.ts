import type { AppDeps } from '../app/deps.ts';
import type { ClientView } from '../projections/clients.ts';
import type { CredentialView } from '../projections/credentials.ts';
import { describeLoginStatus, type LoginStatus } from '../projections/login-status.ts';

/** What a client card shows: read models only, and nothing that could hold a hash or a secret. */
export interface ClientSummary {
  readonly client: ClientView;
  readonly credential: CredentialView | null;
  readonly status: LoginStatus;
}

export function summariseClient(deps: Pick<AppDeps, 'readModels' | 'clock'>, clientId: string): ClientSummary | null {
  const client = deps.readModels.clients.getClient(clientId);
  if (!client) return null;
  const credential = deps.readModels.credentials.getCredential(clientId);
  return { client, credential, status: describeLoginStatus(credential, deps.clock.now()) };
}

export function searchClientSummaries(
  deps: Pick<AppDeps, 'readModels' | 'clock'>,
  text: string,
  limit: number,
): ClientSummary[] {
  return deps.readModels.clients
    .searchClients(text, limit)
    .flatMap((client) => summariseClient(deps, client.clientId) ?? []);
}

export const clientName = (client: Pick<ClientView, 'firstName' | 'lastName'>): string =>
  `${client.firstName} ${client.lastName}`.trim();
