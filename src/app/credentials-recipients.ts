import type { AppDeps } from './deps.ts';

/** Why a client was left out of a provisioning run or an Email Alert before it started. */
export interface RecipientsLeftOut {
  /** Marked inactive in the import, and not named by id. */
  readonly inactive: readonly string[];
  /** Sent credentials within CREDENTIALS_RESEND_COOLDOWN_HOURS (each email supersedes the last). */
  readonly recentlyEmailed: readonly string[];
}

export interface CredentialsRecipients {
  readonly included: readonly string[];
  readonly leftOut: RecipientsLeftOut;
}

/**
 * The one rule for who may be sent credentials in bulk: inactive clients are left out unless
 * staff named them by id, and so is anyone sent credentials within the cooldown unless staff
 * force it, since each new email replaces the password of the one the client may be reading.
 */
export function selectCredentialsRecipients(
  deps: Pick<AppDeps, 'readModels' | 'clock' | 'settings'>,
  clientIds: readonly string[],
  options: { readonly namedById: boolean; readonly force: boolean; readonly sendsEmail: boolean },
): CredentialsRecipients {
  const cooldownMs = deps.settings.credentialsResendCooldownSeconds * 1000;
  const now = deps.clock.now().getTime();
  const included: string[] = [];
  const inactive: string[] = [];
  const recentlyEmailed: string[] = [];
  for (const clientId of clientIds) {
    const client = deps.readModels.clients.getClient(clientId);
    if (client && !client.active && !options.namedById) {
      inactive.push(clientId);
      continue;
    }
    const lastAt = deps.readModels.mail.lastCredentialsEmailRequestedAt(clientId);
    if (options.sendsEmail && !options.force && lastAt !== null && now - Date.parse(lastAt) < cooldownMs) {
      recentlyEmailed.push(clientId);
      continue;
    }
    included.push(clientId);
  }
  return { included, leftOut: { inactive, recentlyEmailed } };
}

/** "2 left out: 1 emailed in the last 24 hours (force to send again), 1 inactive." */
export function describeRecipientsLeftOut(leftOut: RecipientsLeftOut, cooldownSeconds: number): string | null {
  const parts = [
    leftOut.recentlyEmailed.length > 0
      ? `${leftOut.recentlyEmailed.length} sent credentials in the last ${cooldownSeconds / 3600} hours (force to send again)`
      : null,
    leftOut.inactive.length > 0 ? `${leftOut.inactive.length} inactive (name them by id to include them)` : null,
  ].filter((part) => part !== null);
  const total = leftOut.recentlyEmailed.length + leftOut.inactive.length;
  return total === 0 ? null : `${total} left out: ${parts.join(', ')}.`;
}
