import type { AppDeps } from './deps.ts';

/**
 * Why a client is not sent the credentials email, or null when it may be:
 * - inactive: marked inactive in the import, and not named by id;
 * - no_email: nothing to send it to;
 * - login_disabled: the login was closed on purpose, and an email would reopen it;
 * - suppressed: the address bounced, complained or unsubscribed (until staff lift it);
 * - recently_emailed: sent credentials within CREDENTIALS_RESEND_COOLDOWN_HOURS, unless forced,
 *   since each new email replaces the password of the one the client may be reading.
 */
export type CredentialsEmailSkip = 'inactive' | 'no_email' | 'login_disabled' | 'suppressed' | 'recently_emailed';

export interface CredentialsEmailChoice {
  /** Staff named the client by id: inactive clients are included. */
  readonly namedById: boolean;
  /** Send within the resend cooldown too (the CLI's --force, Slack's confirm). */
  readonly force: boolean;
}

/**
 * A batch's choice of recipients, as each of its items runs: who was inactive or emailed recently
 * was settled when it started (its own request must not count as a recent one on a resume);
 * what may have changed since (an address, a disabled login, a suppression) is asked again.
 */
export const chosenAtStart: CredentialsEmailChoice = { namedById: true, force: true };

type RuleDeps = Pick<AppDeps, 'readModels' | 'clock' | 'settings'>;

/**
 * The one rule of who may be sent credentials in bulk (provisioning with email, Email Alerts):
 * the choice of recipients when a batch starts and each item when it runs both ask it, so a new
 * rule goes here and nowhere else.
 */
export function credentialsEmailSkip(
  deps: RuleDeps,
  clientId: string,
  choice: CredentialsEmailChoice,
): CredentialsEmailSkip | null {
  const { clients, credentials, mail } = deps.readModels;
  const client = clients.getClient(clientId);
  if (client && !client.active && !choice.namedById) return 'inactive';
  if (!client?.email) return 'no_email';
  if (credentials.getCredential(clientId)?.disabled) return 'login_disabled';
  if (mail.findSuppression(client.email)) return 'suppressed';
  const lastAt = mail.lastCredentialsEmailRequestedAt(clientId);
  const cooldownMs = deps.settings.credentialsResendCooldownSeconds * 1000;
  if (!choice.force && lastAt !== null && deps.clock.now().getTime() - Date.parse(lastAt) < cooldownMs)
    return 'recently_emailed';
  return null;
}

/** Why a client was left out of a provisioning run or an Email Alert before it started. */
export interface RecipientsLeftOut {
  /** Marked inactive in the import, and not named by id. */
  readonly inactive: readonly string[];
  /** Sent credentials within CREDENTIALS_RESEND_COOLDOWN_HOURS (each email supersedes the last). */
  readonly recentlyEmailed: readonly string[];
  /** The address bounced, complained or unsubscribed. */
  readonly suppressed: readonly string[];
}

export interface CredentialsRecipients {
  readonly included: readonly string[];
  readonly leftOut: RecipientsLeftOut;
}

/**
 * Sorts a batch's candidates by credentialsEmailSkip. Inactive clients are left out of any batch;
 * the mail reasons only when the batch sends email. A client with no email or a disabled login
 * stays in, and its item counts as skipped when it runs.
 */
export function selectCredentialsRecipients(
  deps: RuleDeps,
  clientIds: readonly string[],
  options: CredentialsEmailChoice & { readonly sendsEmail: boolean },
): CredentialsRecipients {
  const included: string[] = [];
  const leftOut = { inactive: [] as string[], recentlyEmailed: [] as string[], suppressed: [] as string[] };
  for (const clientId of clientIds) {
    const skip = credentialsEmailSkip(deps, clientId, options);
    if (skip === 'inactive') leftOut.inactive.push(clientId);
    else if (skip === 'recently_emailed' && options.sendsEmail) leftOut.recentlyEmailed.push(clientId);
    else if (skip === 'suppressed' && options.sendsEmail) leftOut.suppressed.push(clientId);
    else included.push(clientId);
  }
  return { included, leftOut };
}

export const emptyLeftOut: RecipientsLeftOut = { inactive: [], recentlyEmailed: [], suppressed: [] };

/** "2 left out: 1 emailed in the last 24 hours (force to send again), 1 inactive." */
export function describeRecipientsLeftOut(leftOut: RecipientsLeftOut, cooldownSeconds: number): string | null {
  const parts = [
    leftOut.recentlyEmailed.length > 0
      ? `${leftOut.recentlyEmailed.length} sent credentials in the last ${cooldownSeconds / 3600} hours (force to send again)`
      : null,
    leftOut.inactive.length > 0 ? `${leftOut.inactive.length} inactive (name them by id to include them)` : null,
    leftOut.suppressed.length > 0
      ? `${leftOut.suppressed.length} with an address that bounced, complained or unsubscribed (latchkey mail unsuppress <client> once it is fixed)`
      : null,
  ].filter((part) => part !== null);
  const total = leftOut.recentlyEmailed.length + leftOut.inactive.length + leftOut.suppressed.length;
  return total === 0 ? null : `${total} left out: ${parts.join(', ')}.`;
}
