import type { types } from '@slack/bolt';
import { clientName, type ClientSummary } from '../client-summary.ts';
import { emailEditorBlocks, viewIds } from '../ids.ts';
import { escapeText, plain, section, type Block } from './kit.ts';
import { lastEmailText } from './status.ts';

/** What the email editor carries through Slack and back: which client, and the card to refresh. */
export interface EditorMetadata {
  readonly clientId: string;
  readonly responseUrl?: string;
}

/** "Change email": the address on file, and whether to send the credentials to the new one. */
export function emailEditorModal(summary: ClientSummary, timeZone: string, metadata: EditorMetadata): types.ModalView {
  const { client, credential } = summary;
  const canResend = credential !== null && !credential.disabled;
  const resendOption: types.Option = {
    text: plain('Email the credentials to the new address'),
    value: 'resend',
    description: plain('With a fresh temporary password; any earlier one stops working.'),
  };
  const blocks: Block[] = [
    section(
      `*${escapeText(clientName(client))}* · ${client.email ? escapeText(client.email) : '_no email on file_'}\nLast email: ${lastEmailText(credential, timeZone)}`,
    ),
    {
      type: 'input',
      block_id: emailEditorBlocks.email,
      label: plain('Email address'),
      element: {
        type: 'plain_text_input',
        action_id: emailEditorBlocks.email,
        max_length: 254,
        ...(client.email ? { initial_value: client.email } : {}),
      },
      hint: plain('Changes the directory record; the login keeps its user name.'),
    },
    ...(canResend
      ? [
          {
            type: 'input',
            block_id: emailEditorBlocks.resend,
            optional: true,
            label: plain('Credentials'),
            element: { type: 'checkboxes', action_id: emailEditorBlocks.resend, options: [resendOption] },
          } satisfies Block,
        ]
      : []),
  ];
  return {
    type: 'modal',
    callback_id: viewIds.emailEditor,
    private_metadata: JSON.stringify(metadata),
    title: plain(client.email ? 'Change email' : 'Add email'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}

export function parseEditorMetadataJson(privateMetadata: string | undefined): EditorMetadata | null {
  try {
    const parsed = JSON.parse(privateMetadata ?? '') as { clientId?: unknown; responseUrl?: unknown };
    if (typeof parsed.clientId !== 'string') return null;
    return {
      clientId: parsed.clientId,
      ...(typeof parsed.responseUrl === 'string' ? { responseUrl: parsed.responseUrl } : {}),
    };
  } catch {
    return null;
  }
}

/** The closed editor's last word: what was saved. */
export function savedModal(title: string, lines: readonly string[]): types.ModalView {
  return { type: 'modal', title: plain(title), close: plain('Close'), blocks: [section(lines.join('\n'))] };
}
