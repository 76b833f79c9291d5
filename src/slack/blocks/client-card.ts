import { actionIds } from '../ids.ts';
import { clientName, type ClientSummary } from '../client-summary.ts';
import {
  actions,
  button,
  confirm,
  context,
  divider,
  escapeText,
  section,
  slackDate,
  type Block,
  type ButtonElement,
} from './kit.ts';
import { lastEmailText, loginStatusText, statusEmoji } from './status.ts';

/** A client card: who, how their login stands and why, and a button for every staff action. */
export function clientCardBlocks(summary: ClientSummary): Block[] {
  const { client, credential, status } = summary;
  const name = escapeText(clientName(client));
  const email = client.email ? escapeText(client.email) : '_no email on file_';
  return [
    section(`*${name}* · ${email}\n${statusEmoji[status.kind]} ${loginStatusText(status)}`),
    context(
      `User name: ${credential ? `\`${escapeText(credential.userName)}\`` : 'none'}`,
      `Last login: ${credential?.lastLoginAt ? slackDate(credential.lastLoginAt) : 'never'}`,
      `Last email: ${lastEmailText(credential)}`,
    ),
    actions(`client:${client.clientId}`, cardButtons(summary)),
  ];
}

function cardButtons({ client, credential }: ClientSummary): ButtonElement[] {
  const value = client.clientId;
  const name = escapeText(clientName(client));
  const editor = button({
    text: credential ? 'Login editor' : 'Create login',
    actionId: actionIds.openLoginEditor,
    value,
    style: 'primary',
  });
  const history = button({ text: 'History', actionId: actionIds.showHistory, value });
  if (!credential) return [editor, history];
  if (credential.disabled) {
    return [editor, button({ text: 'Enable', actionId: actionIds.enableLogin, value }), history];
  }
  return [
    editor,
    button({
      text: 'Temporary password',
      actionId: actionIds.issueTempPassword,
      value,
      confirm: confirm({
        title: 'Issue a temporary password?',
        text: `A new temporary password for *${name}* will be shown to you once, privately. Any earlier one stops working.`,
        confirm: 'Issue',
      }),
    }),
    ...(client.email
      ? [
          button({
            text: 'Email credentials',
            actionId: actionIds.emailCredentials,
            value,
            confirm: confirm({
              title: 'Email the credentials?',
              text: `*${name}* gets the Client Login Credentials email with a fresh temporary password. Any earlier one stops working.`,
              confirm: 'Send email',
            }),
          }),
        ]
      : []),
    button({
      text: 'Disable',
      actionId: actionIds.disableLogin,
      value,
      style: 'danger',
      confirm: confirm({
        title: 'Disable this login?',
        text: `*${name}* will be signed out and unable to log in until enabled again.`,
        confirm: 'Disable',
        danger: true,
      }),
    }),
    button({
      text: 'Sign out everywhere',
      actionId: actionIds.revokeSessions,
      value,
      confirm: confirm({
        title: 'Sign out everywhere?',
        text: `Every session of *${name}* ends now. Their password keeps working.`,
        confirm: 'Sign out',
        danger: true,
      }),
    }),
    history,
  ];
}

/** Search results: one card each, capped so a message stays within Slack's 50 blocks. */
export function searchResultBlocks(query: string, summaries: readonly ClientSummary[], more: boolean): Block[] {
  if (summaries.length === 0)
    return [section(`No client matches *${escapeText(query)}*. Try part of a first or last name, or an email.`)];
  const cards = summaries.flatMap((summary, index) => [
    ...(index > 0 ? [divider()] : []),
    ...clientCardBlocks(summary),
  ]);
  return more
    ? [
        ...cards,
        divider(),
        context(`More clients match *${escapeText(query)}*: type more of the name to narrow it down.`),
      ]
    : cards;
}

/** An action's outcome, followed by the refreshed card so staff see the new state at once. */
export function outcomeBlocks(line: string, summary: ClientSummary | null): Block[] {
  return [section(line), ...(summary ? clientCardBlocks(summary) : [])];
}
