import type { ButtonAction } from '@slack/bolt';
import { sendEmailAlert, type EmailAlertInput } from '../../../app/email-alerts.ts';
import { plainMessage } from '../../blocks/messages.ts';
import { emailAlertChoiceLabel, emailAlertInputFor, parseEmailAlertButton } from '../../email-alert-groups.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { runBulkFromSlack } from './bulk-run.ts';

/** Email Alerts: the credentials email, with a fresh temporary password, to every client of a chosen group. */
export function startEmailAlertAction(services: SlackServices) {
  return async function startEmailAlertListener(args: ButtonArgs): Promise<void> {
    const button = parseEmailAlertButton((args.action as ButtonAction).value ?? '');
    if (!button) {
      await args.ack();
      await replyPrivately(args, {
        text: 'Unknown group',
        blocks: plainMessage('That group no longer exists. Run the alerts command again.'),
      });
      return;
    }
    const title =
      button.kind === 'group' ? `Email Alerts: ${emailAlertChoiceLabel(button.choice)}` : 'Email Alerts (resumed)';
    await runBulkFromSlack(services, args, 'email_alert', title, async (progress, requester) => {
      // Recipients are chosen when the button is pressed, not when the menu was shown.
      const target: Pick<EmailAlertInput, 'group' | 'clientIds' | 'batchId'> =
        button.kind === 'group'
          ? emailAlertInputFor(services.deps, button.choice)
          : { group: 'ids', batchId: button.batchId };
      const sent = await sendEmailAlert(
        services.deps,
        {
          ...target,
          onStart: (batchId) => progress.begin(batchId),
          onProgress: (tally, total) => progress.update(tally, total),
        },
        requester,
      );
      if (!sent.ok) return progress.abandon(sent.error.message);
      await progress.finish(sent.value.tally, sent.value.total);
    });
  };
}
