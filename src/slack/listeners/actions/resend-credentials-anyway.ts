import type { ButtonAction } from '@slack/bolt';
import { parseResendValue } from '../../blocks/resend-offer.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { freshTally, runBulkFromSlack } from './bulk-run.ts';
import { runEmailAlert } from './start-email-alert.ts';

/**
 * "Send anyway to N", confirmed: the clients an Email Alert left out for the resend cooldown get
 * the credentials email now, as a tracked batch of their ids with `force` (the CLI's --force).
 */
export function resendCredentialsAnywayAction(services: SlackServices) {
  return async function resendCredentialsAnywayListener(args: ButtonArgs): Promise<void> {
    const clientIds = parseResendValue((args.action as ButtonAction).value ?? '');
    const plan = { total: clientIds.length, tally: freshTally, resumes: null };
    await runBulkFromSlack(
      services,
      args,
      'email_alert',
      'Email Alerts: sent again',
      plan,
      async (progress, requester) => {
        await runEmailAlert(services, progress, requester, { group: 'ids', clientIds, force: true });
      },
    );
  };
}
