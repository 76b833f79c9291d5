import type { types } from '@slack/bolt';
import { clientName, type ClientSummary } from '../client-summary.ts';
import { actionIds, loginEditorBlocks, viewIds } from '../ids.ts';
import { context, escapeText, plain, section, type Block } from './kit.ts';
import { loginStatusText } from './status.ts';

export interface LoginEditorModel {
  readonly summary: ClientSummary;
  readonly suggestions: readonly string[];
  /** The result of the last availability check, when staff pressed Enter in the user name. */
  readonly availability?: { readonly ok: boolean; readonly text: string };
  readonly timeZone: string;
  /** The response URL of the card the editor was opened from, so saving can refresh that card. */
  readonly responseUrl?: string;
}

/** The System Login Editor: user name with suggestions, active on/off, and "email the credentials now". */
export function loginEditorModal(model: LoginEditorModel): types.ModalView {
  const { client, credential, status } = model.summary;
  const userName = credential?.userName ?? model.suggestions[0] ?? '';
  const blocks: Block[] = [
    section(
      `*${escapeText(clientName(client))}* · ${client.email ? escapeText(client.email) : '_no email on file_'}\n${loginStatusText(status, model.timeZone)}`,
    ),
    {
      type: 'input',
      block_id: loginEditorBlocks.userName,
      label: plain('User name'),
      dispatch_action: true,
      element: {
        type: 'plain_text_input',
        action_id: actionIds.checkUserName,
        ...(userName ? { initial_value: userName } : {}),
        max_length: 64,
        dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
      },
      hint: plain(suggestionHint(model.suggestions)),
    },
    ...(model.availability
      ? [context(`${model.availability.ok ? ':white_check_mark:' : ':x:'} ${escapeText(model.availability.text)}`)]
      : []),
    checkboxInput(
      loginEditorBlocks.active,
      'Access',
      'active',
      'Login active',
      'Off: the client cannot log in and is signed out.',
      !credential?.disabled,
    ),
    ...(client.email
      ? [
          checkboxInput(
            loginEditorBlocks.emailNow,
            'Email',
            'email',
            'Email the credentials now',
            'Sends a fresh temporary password; any earlier one stops working.',
            false,
          ),
        ]
      : [context('No email on file, so the credentials cannot be emailed.')]),
  ];
  return {
    type: 'modal',
    callback_id: viewIds.loginEditor,
    private_metadata: JSON.stringify({
      clientId: client.clientId,
      ...(model.responseUrl ? { responseUrl: model.responseUrl } : {}),
    }),
    title: plain('System Login Editor'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}

function suggestionHint(suggestions: readonly string[]): string {
  const shown = suggestions.slice(0, 4).join(', ');
  return `${shown ? `Free suggestions: ${shown}. ` : ''}Press Enter to check availability.`.slice(0, 2000);
}

function checkboxInput(
  blockId: string,
  label: string,
  value: string,
  text: string,
  description: string,
  checked: boolean,
): Block {
  const option: types.Option = { text: plain(text), value, description: plain(description) };
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label),
    element: {
      type: 'checkboxes',
      // Named after its block: Slack refuses one action id twice in a view.
      action_id: blockId,
      options: [option],
      ...(checked ? { initial_options: [option] } : {}),
    },
  };
}
