import type { ButtonAction } from '@slack/bolt';
import { loginEditorModal } from '../../blocks/login-editor.ts';
import { loginEditorModel } from '../../login-editor-model.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';

/** Opens the System Login Editor for the client on the card. */
export function openLoginEditorAction({ deps }: SlackServices) {
  return async function openLoginEditorListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    const model = loginEditorModel(deps, (args.action as ButtonAction).value ?? '');
    if (!model) {
      await replyPrivately(args, { text: 'That client is no longer in the directory.', blocks: [] });
      return;
    }
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: loginEditorModal(model) });
  };
}
