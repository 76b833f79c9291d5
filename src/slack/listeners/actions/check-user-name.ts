import type { PlainTextInputAction } from '@slack/bolt';
import { loginEditorModal } from '../../blocks/login-editor.ts';
import { parseEditorMetadataJson } from '../../blocks/email-editor.ts';
import { loginEditorModel } from '../../login-editor-model.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { checkUserName } from '../../user-names.ts';

/** Enter in the editor's user name: says whether the name is valid and free, without saving anything. */
export function checkUserNameAction({ deps, timeZone }: SlackServices) {
  return async function checkUserNameListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    const view = args.body.view;
    const metadata = parseEditorMetadataJson(view?.private_metadata);
    if (!view || !metadata) return;
    const { clientId } = metadata;
    // Vendor seam: Bolt types a block action as the union of every element; this one is a text input.
    const check = checkUserName(deps, clientId, (args.action as unknown as PlainTextInputAction).value ?? '');
    const model = loginEditorModel(deps, clientId, timeZone, {
      ok: check.ok,
      text: check.ok ? check.note : check.message,
    });
    if (!model) return;
    await args.client.views.update({ view_id: view.id, hash: view.hash, view: loginEditorModal(model) });
  };
}
