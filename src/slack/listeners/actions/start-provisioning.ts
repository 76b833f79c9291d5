import type { ButtonAction } from '@slack/bolt';
import { provisionAll } from '../../../app/provision.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { runBulkFromSlack } from './bulk-run.ts';

/**
 * Provision everyone: user name = email for each client with an email and no login, and the
 * credentials email when asked. An unfinished batch is resumed rather than started again.
 */
export function startProvisioningAction(services: SlackServices) {
  return async function startProvisioningListener(args: ButtonArgs): Promise<void> {
    const sendEmail = (args.action as ButtonAction).value === 'email';
    const title = sendEmail ? 'Provisioning everyone and emailing credentials' : 'Provisioning everyone';
    await runBulkFromSlack(services, args, 'provision', title, async (progress, requester) => {
      let total = 0;
      const { tally } = await provisionAll(
        services.deps,
        {
          sendEmail,
          onStart: (batchId, _resumed, count) => {
            total = count;
            progress.begin(batchId);
          },
          onProgress: (current, count) => progress.update(current, count),
        },
        requester,
      );
      await progress.finish(tally, total);
    });
  };
}
