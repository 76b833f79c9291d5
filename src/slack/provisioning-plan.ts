import type { AppDeps } from '../app/deps.ts';
import { selectProvisioningRecipients } from '../app/provision.ts';

/**
 * How many clients "provision everyone" would take on now, by the rule provisionAll itself
 * applies (an email on file, no login, active; with email, not suppressed or emailed recently).
 */
export function provisioningWaiting(
  deps: Pick<AppDeps, 'readModels' | 'clock' | 'settings'>,
  options: { readonly sendEmail: boolean } = { sendEmail: false },
): number {
  return selectProvisioningRecipients(deps, options).included.length;
}
