import type { types } from '@slack/bolt';
import { pickerBlocks, searchBlocks, viewIds } from '../ids.ts';
import { plain, type Block } from './kit.ts';

/** A menu message shown in a modal instead, for the Home tab where there is no channel to answer in. */
export const menuModal = (title: string, blocks: Block[]): types.ModalView => ({
  type: 'modal',
  title: plain(title),
  close: plain('Close'),
  blocks,
});

/** The Home tab's "Find a client": the slash command's search, in a modal. */
export function searchModal(resultBlocks: Block[] = []): types.ModalView {
  return {
    type: 'modal',
    callback_id: viewIds.search,
    title: plain('Find a client'),
    submit: plain('Search'),
    close: plain('Close'),
    blocks: [
      {
        type: 'input',
        block_id: searchBlocks.text,
        label: plain('Part of a name, an email or a client id'),
        element: { type: 'plain_text_input', action_id: searchBlocks.text, max_length: 200 },
      },
      ...resultBlocks,
    ],
  };
}

/** Email Alerts to clients staff name: ids or emails, inactive clients included when named. */
export function emailAlertPickerModal(channel: string | null): types.ModalView {
  return {
    type: 'modal',
    callback_id: viewIds.emailAlertPicker,
    private_metadata: JSON.stringify({ channel }),
    title: plain('Email Alerts'),
    submit: plain('Send credentials'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: pickerBlocks.clientIds,
        label: plain('Clients to email'),
        element: { type: 'plain_text_input', action_id: pickerBlocks.clientIds, multiline: true, max_length: 3000 },
        hint: plain(
          'Client ids or emails, separated by commas, spaces or new lines. Each gets the credentials email with a fresh temporary password; inactive clients are included when you name them.',
        ),
      },
    ],
  };
}
