import type { ButtonAction } from '@slack/bolt';
import { provisionAll } from '../../../app/provision.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { freshTally, runBulkFromSlack, type BulkPlan } from './bulk-run.ts';
import { provisioningWaiting } from '../../provisioning-plan.ts';

/**
 * Provision everyone: user name = email for each client with an email and no login, and the
 * credentials email when asked. An unfinished batch is resumed rather than started again.
 */
export function startProvisioningAction(services: SlackServices) {
  return async function startProvisioningListener(args: ButtonArgs): Promise<void> {
    const sendEmail = (args.action as ButtonAction).value === 'email';
    const title = sendEmail ? 'Provisioning everyone and emailing credentials' : 'Provisioning everyone';
    const unfinished = services.deps.readModels.batches.unfinishedBatches('provision')[0] ?? null;
    const plan: BulkPlan = unfinished
      ? { total: unfinished.total, tally: unfinished, resumes: unfinished.batchId }
      : { total: provisioningWaiting(services.deps, { sendEmail }), tally: freshTally, resumes: null };
    await runBulkFromSlack(services, args, 'provision', title, plan, async (progress, requester) => {
      let total = 0;
      let began: Promise<void> = Promise.resolve();
      const { tally } = await provisionAll(
        services.deps,
        {
          sendEmail,
          onStart: (batchId, _resumed, count) => {
            total = count;
            began = progress.begin(batchId);
          },
          onProgress: (current, count) => progress.update(current, count),
        },
        requester,
      );
      await began;
      await progress.finish(tally, total);
    });
  };
}
