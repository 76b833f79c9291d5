import type { ButtonAction } from '@slack/bolt';
import type { Requester } from '../../../app/deps.ts';
import { sendEmailAlert, type EmailAlertInput } from '../../../app/email-alerts.ts';
import type { RecipientsLeftOut } from '../../../app/credentials-recipients.ts';
import { plainMessage } from '../../blocks/messages.ts';
import { resendOfferBlocks } from '../../blocks/resend-offer.ts';
import { clientName } from '../../client-summary.ts';
import {
  emailAlertChoiceLabel,
  emailAlertInputFor,
  emailAlertRecipientCount,
  parseEmailAlertButton,
} from '../../email-alert-groups.ts';
import type { ProgressMessage } from '../../progress-message.ts';
import { replyPrivately, type ButtonArgs, type PrivateMessage } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { freshTally, runBulkFromSlack, type BulkPlan } from './bulk-run.ts';

/** Email Alerts: the credentials email, with a fresh temporary password, to every client of a chosen group. */
export function startEmailAlertAction(services: SlackServices) {
  return async function startEmailAlertListener(args: ButtonArgs): Promise<void> {
    const button = parseEmailAlertButton((args.action as ButtonAction).value ?? '');
    if (!button) {
      await args.ack();
      await replyPrivately(
        args,
        { text: 'Unknown group', blocks: plainMessage('That group no longer exists. Run the alerts command again.') },
        { logger: services.logger },
      );
      return;
    }
    const { deps } = services;
    const resumed = button.kind === 'resume' ? deps.readModels.batches.getBatch(button.batchId) : null;
    const plan: BulkPlan = resumed
      ? { total: resumed.total, tally: resumed, resumes: resumed.batchId }
      : {
          total: button.kind === 'group' ? emailAlertRecipientCount(deps, button.choice) : 0,
          tally: freshTally,
          resumes: null,
        };
    const title =
      button.kind === 'group' ? `Email Alerts: ${emailAlertChoiceLabel(button.choice)}` : 'Email Alerts (resumed)';
    let leftOut: RecipientsLeftOut | null = null;
    await runBulkFromSlack(services, args, 'email_alert', title, plan, async (progress, requester) => {
      leftOut = await runEmailAlert(
        services,
        progress,
        requester,
        // Recipients are chosen when the button is pressed, not when the menu was shown.
        button.kind === 'group' ? emailAlertInputFor(deps, button.choice) : { group: 'ids', batchId: button.batchId },
      );
    });
    await offerResend(services, (message) => replyPrivately(args, message, { logger: services.logger }), leftOut);
  };
}

/**
 * Tells the staff member who was left out for the resend cooldown, with a confirmed "Send anyway",
 * by `reply` (privately: a button's response URL, or an ephemeral message after a modal).
 */
export async function offerResend(
  { deps }: Pick<SlackServices, 'deps'>,
  reply: (message: PrivateMessage) => Promise<unknown>,
  leftOut: RecipientsLeftOut | null,
): Promise<void> {
  const clientIds = leftOut?.recentlyEmailed ?? [];
  if (clientIds.length === 0) return;
  const names = clientIds.flatMap((clientId) => {
    const client = deps.readModels.clients.getClient(clientId);
    return client ? [clientName(client)] : [];
  });
  const cooldownHours = deps.settings.credentialsResendCooldownSeconds / 3600;
  await reply({
    text: `${clientIds.length} left out: sent credentials in the last ${cooldownHours} hours`,
    blocks: resendOfferBlocks({ clientIds, names, cooldownHours }),
  });
}

/** Runs one Email Alert behind a progress message; shared by the menu's buttons and the picker. */
export async function runEmailAlert(
  { deps }: Pick<SlackServices, 'deps'>,
  progress: ProgressMessage,
  requester: Requester,
  target: Pick<EmailAlertInput, 'group' | 'clientIds' | 'batchId' | 'force'>,
): Promise<RecipientsLeftOut | null> {
  let began: Promise<void> = Promise.resolve();
  const sent = await sendEmailAlert(
    deps,
    {
      ...target,
      onStart: (batchId) => void (began = progress.begin(batchId)),
      onProgress: (tally, total) => progress.update(tally, total),
    },
    requester,
  );
  await began;
  if (!sent.ok) {
    await progress.abandon(sent.error.message);
    return sent.error.leftOut ?? null;
  }
  await progress.finish(sent.value.tally, sent.value.total);
  return sent.value.leftOut;
}
