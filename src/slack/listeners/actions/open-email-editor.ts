import type { ButtonAction } from '@slack/bolt';
import { emailEditorModal } from '../../blocks/email-editor.ts';
import { summariseClient } from '../../client-summary.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { openModal, replyClientGone } from './open-login-editor.ts';

/** "Change email" from a card, a bounce alert or the Home tab. */
export function openEmailEditorAction(services: SlackServices) {
  return async function openEmailEditorListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    const clientId = (args.action as ButtonAction).value ?? '';
    const summary = summariseClient(services.deps, clientId);
    if (!summary) {
      await replyClientGone(services, args);
      return;
    }
    await openModal(
      services,
      args,
      emailEditorModal(summary, services.timeZone, {
        clientId,
        ...(args.body.response_url ? { responseUrl: args.body.response_url } : {}),
      }),
    );
  };
}
