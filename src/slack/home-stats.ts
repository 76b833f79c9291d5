import type { AppDeps } from '../app/deps.ts';
import { describeLoginStatus, type LoginStatus } from '../projections/login-status.ts';

export type StatusBucket =
  'no_login' | 'no_password' | 'temp_pending' | 'active' | 'burned' | 'expired' | 'disabled' | 'bounced';
export type StatusCounts = Record<StatusBucket, number>;

/** Which Home-tab count a login status falls under. */
function bucketOf(status: LoginStatus): Exclude<StatusBucket, 'bounced'> {
  switch (status.kind) {
    case 'no_login':
    case 'no_password':
    case 'active':
    case 'disabled':
      return status.kind;
    case 'temp_pending':
    case 'must_choose_password':
      return 'temp_pending';
    case 'reset_pending':
      return 'active';
    case 'temp_expired':
      return 'expired';
    case 'temp_burned':
      return status.reason === 'burned_expired' ? 'expired' : 'burned';
  }
}

/**
 * Counts for the Home tab, one pass over the read models. "Bounced" counts logins whose last
 * email bounced, whatever their status, so it overlaps the others.
 */
export function countLoginStatuses(deps: Pick<AppDeps, 'readModels' | 'clock'>): StatusCounts {
  const counts: StatusCounts = {
    no_login: 0,
    no_password: 0,
    temp_pending: 0,
    active: 0,
    burned: 0,
    expired: 0,
    disabled: 0,
    bounced: 0,
  };
  const now = deps.clock.now();
  const credentials = new Map(
    deps.readModels.credentials.listCredentials().map((credential) => [credential.clientId, credential]),
  );
  for (const client of deps.readModels.clients.listClients()) {
    const credential = credentials.get(client.clientId) ?? null;
    counts[bucketOf(describeLoginStatus(credential, now))] += 1;
    if (credential?.lastEmailState === 'bounced') counts.bounced += 1;
  }
  return counts;
}
