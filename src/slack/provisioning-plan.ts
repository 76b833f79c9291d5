import type { AppDeps } from '../app/deps.ts';

/**
 * How many clients "provision everyone" would take on now: an email on file and no login. The
 * directory's active flag is the mail rules' business (src/app); this counts what provisionAll
 * counts, by asking the same read model.
 */
export function provisioningWaiting(deps: Pick<AppDeps, 'readModels'>): number {
  return deps.readModels.credentials.listClientsWithoutLogin().filter((client) => client.email !== null).length;
}
