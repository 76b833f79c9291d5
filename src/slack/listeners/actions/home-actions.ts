import { emailAlertMenuBlocks, provisionMenuBlocks } from '../../blocks/bulk.ts';
import { emailAlertPickerModal, menuModal, searchModal } from '../../blocks/menus.ts';
import { emailAlertGroupChoices } from '../../email-alert-groups.ts';
import { provisioningWaiting } from '../../provisioning-plan.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { openModal } from './open-login-editor.ts';

/** The Home tab's "Find a client". */
export function openSearchAction(services: SlackServices) {
  return async function openSearchListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    await openModal(services, args, searchModal());
  };
}

/** The Home tab's "Provision everyone": the same menu as `/clients provision-all`, in a modal. */
export function openProvisioningAction(services: SlackServices) {
  return async function openProvisioningListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    const { deps } = services;
    const unfinished = deps.readModels.batches.unfinishedBatches('provision')[0] ?? null;
    await openModal(
      services,
      args,
      menuModal('Provision everyone', provisionMenuBlocks({ waiting: provisioningWaiting(deps), unfinished })),
    );
  };
}

/** The Home tab's "Email Alerts": the same menu as `/clients alerts`, in a modal. */
export function openEmailAlertsAction(services: SlackServices) {
  return async function openEmailAlertsListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    const { deps } = services;
    const unfinished = deps.readModels.batches.unfinishedBatches('email_alert')[0] ?? null;
    await openModal(
      services,
      args,
      menuModal('Email Alerts', emailAlertMenuBlocks({ groups: emailAlertGroupChoices(deps), unfinished })),
    );
  };
}

/** "Pick clients by name or id" in the Email Alerts menu: a modal on top of wherever it was clicked. */
export function openEmailAlertPickerAction(services: SlackServices) {
  return async function openEmailAlertPickerListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    const view = emailAlertPickerModal(args.body.channel?.id ?? null);
    if (args.body.view?.type === 'modal') {
      // From inside a modal (the Home tab's menu), a second one is pushed on top of it.
      try {
        await args.client.views.push({ trigger_id: args.body.trigger_id, view });
      } catch (error) {
        services.logger.warn({ err: error }, 'Slack would not push the Email Alerts picker');
      }
      return;
    }
    await openModal(services, args, view);
  };
}
