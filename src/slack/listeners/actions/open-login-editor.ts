import type { ButtonAction, types } from '@slack/bolt';
import { loginEditorModal } from '../../blocks/login-editor.ts';
import { plainMessage } from '../../blocks/messages.ts';
import { loginEditorModel } from '../../login-editor-model.ts';
import { replyPrivately, type ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';

/**
 * Opens a modal for the click. A trigger id lasts three seconds and works once: when Slack says
 * it has expired (a slow moment, a replayed click), staff are told to click again rather than
 * left looking at nothing.
 */
/** The answer to a button whose client has left the directory since the message was posted. */
export function replyClientGone({ logger }: Pick<SlackServices, 'logger'>, args: ButtonArgs): Promise<void> {
  const text = 'That client is no longer in the directory.';
  return replyPrivately(args, { text, blocks: plainMessage(text) }, { logger }).then(() => undefined);
}

export async function openModal(
  { logger }: Pick<SlackServices, 'logger'>,
  args: ButtonArgs,
  view: types.ModalView,
): Promise<boolean> {
  try {
    await args.client.views.open({ trigger_id: args.body.trigger_id, view });
    return true;
  } catch (error) {
    logger.warn({ err: error }, 'Slack would not open a modal');
    const expired = /expired_trigger_id|invalid_trigger_id|exchanged_trigger_id/.test(String(error));
    await replyPrivately(
      args,
      {
        text: 'That window could not open',
        blocks: plainMessage(
          expired
            ? ':hourglass: Slack took too long to open that window. Click the button again.'
            : ':x: Slack would not open that window just now. Click the button again in a moment.',
        ),
      },
      { logger },
    );
    return false;
  }
}

/** Opens the System Login Editor for the client on the card. */
export function openLoginEditorAction(services: SlackServices) {
  return async function openLoginEditorListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    const model = loginEditorModel(
      services.deps,
      (args.action as ButtonAction).value ?? '',
      services.timeZone,
      undefined,
      args.body.response_url,
    );
    if (!model) {
      await replyClientGone(services, args);
      return;
    }
    await openModal(services, args, loginEditorModal(model));
  };
}
