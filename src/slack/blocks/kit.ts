import type { types } from '@slack/bolt';

/** Small Block Kit builders, so each message is a readable function and never hand-written JSON. */
export type Block = types.KnownBlock;
export type ButtonElement = types.Button;

export const plain = (text: string): types.PlainTextElement => ({ type: 'plain_text', text, emoji: true });
export const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text });

export const header = (text: string): Block => ({ type: 'header', text: plain(text.slice(0, 150)) });
export const divider = (): Block => ({ type: 'divider' });
export const section = (text: string, accessory?: types.Button): Block => ({
  type: 'section',
  text: mrkdwn(text.slice(0, 3000)),
  ...(accessory ? { accessory } : {}),
});
export const context = (...texts: string[]): Block => ({
  type: 'context',
  elements: texts.map((text) => mrkdwn(text)),
});
export const actions = (blockId: string, elements: types.Button[]): Block => ({
  type: 'actions',
  block_id: blockId,
  elements,
});

export function button(options: {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: types.ConfirmationDialog;
}): types.Button {
  return {
    type: 'button',
    text: plain(options.text),
    action_id: options.actionId,
    value: options.value,
    ...(options.style ? { style: options.style } : {}),
    ...(options.confirm ? { confirm: options.confirm } : {}),
  };
}

/**
 * A confirmation dialog: destructive and bulk actions ask before they run. Slack takes only
 * plain_text in every part of it, so names go in as they are, with no mrkdwn around them.
 */
export function confirm(options: {
  title: string;
  text: string;
  confirm: string;
  danger?: boolean;
}): types.ConfirmationDialog {
  return {
    title: plain(options.title.slice(0, 100)),
    text: plain(options.text.slice(0, 300)),
    confirm: plain(options.confirm.slice(0, 30)),
    deny: plain('Cancel'),
    ...(options.danger ? { style: 'danger' as const } : {}),
  };
}

/**
 * Client data goes into mrkdwn and into a message's top-level text, where &, < and > are control
 * characters: unescaped, a client named `Hound <!channel>` would ping the whole channel.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
