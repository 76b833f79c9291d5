import { actionIds, keyedActionId } from '../ids.ts';
import { clientName, type ClientSummary, type SearchMatch } from '../client-summary.ts';
import {
  actions,
  button,
  confirm,
  context,
  divider,
  escapeText,
  section,
  type Block,
  type ButtonElement,
} from './kit.ts';
import { lastEmailText, loginStatusText, statusEmoji } from './status.ts';
import { readableTime } from './time.ts';

/** A client card: who, how their login stands and why, and a button for every staff action. */
export function clientCardBlocks(summary: ClientSummary, timeZone: string, matchedOn?: SearchMatch): Block[] {
  const { client, credential, status } = summary;
  const name = escapeText(clientName(client));
  const email = client.email ? escapeText(client.email) : '_no email on file_';
  const notes = [
    ...(client.active
      ? []
      : [':zzz: *Inactive* in the directory: left out of provisioning and Email Alerts unless picked by name.']),
    ...(matchedOn && matchedOn !== 'name' ? [`_Matched on ${matchedOn}._`] : []),
  ];
  return [
    section(
      [`*${name}* · ${email}`, `${statusEmoji[status.kind]} ${loginStatusText(status, timeZone)}`, ...notes].join('\n'),
    ),
    context(
      `Client id: ${escapeText(client.clientId)}`,
      `User name: ${credential ? `\`${escapeText(credential.userName)}\`` : 'none'}`,
      `Last login: ${credential?.lastLoginAt ? readableTime(credential.lastLoginAt, timeZone) : 'never'}`,
      `Last email: ${lastEmailText(credential, timeZone)}`,
    ),
    actions(`client:${client.clientId}`, cardButtons(summary)),
  ];
}

/**
 * Each button's action id carries the client, so cards can share a view (a modal of search
 * results) where Slack refuses one action id twice.
 */
function cardButtons({ client, credential }: ClientSummary): ButtonElement[] {
  const value = client.clientId;
  const id = (base: string) => keyedActionId(base, value);
  const name = clientName(client);
  const editor = button({
    text: credential ? 'Edit login' : 'Create login',
    actionId: id(actionIds.openLoginEditor),
    value,
    style: 'primary',
  });
  const changeEmail = button({
    text: client.email ? 'Change email' : 'Add email',
    actionId: id(actionIds.openEmailEditor),
    value,
  });
  const history = button({ text: 'History', actionId: id(actionIds.showHistory), value });
  if (!credential) return [editor, changeEmail, history];
  if (credential.disabled) {
    return [editor, button({ text: 'Enable login', actionId: id(actionIds.enableLogin), value }), changeEmail, history];
  }
  return [
    editor,
    button({
      text: 'Show a new temporary password',
      actionId: id(actionIds.issueTempPassword),
      value,
      confirm: confirm({
        title: 'Show a new temporary password?',
        text: `A new temporary password for ${name} will be shown to you once, privately. Any earlier one stops working.`,
        confirm: 'Show it',
      }),
    }),
    ...(client.email
      ? [
          button({
            text: 'Email new credentials',
            actionId: id(actionIds.emailCredentials),
            value,
            confirm: confirm({
              title: 'Email new credentials?',
              text: `${name} gets the Client Login Credentials email with a fresh temporary password. Any earlier one stops working.`,
              confirm: 'Send email',
            }),
          }),
        ]
      : []),
    changeEmail,
    button({
      text: 'Disable login',
      actionId: id(actionIds.disableLogin),
      value,
      style: 'danger',
      confirm: confirm({
        title: 'Disable this login?',
        text: `${name} will be signed out and unable to log in until enabled again.`,
        confirm: 'Disable',
        danger: true,
      }),
    }),
    button({
      text: 'Sign out everywhere',
      actionId: id(actionIds.revokeSessions),
      value,
      confirm: confirm({
        title: 'Sign out everywhere?',
        text: `Every session of ${name} ends now. Their password keeps working.`,
        confirm: 'Sign out',
        danger: true,
      }),
    }),
    history,
  ];
}

/** Search results: one card each, capped so a message stays within Slack's 50 blocks. */
export function searchResultBlocks(
  query: string,
  found: readonly { summary: ClientSummary; matchedOn: SearchMatch }[],
  more: boolean,
  timeZone: string,
): Block[] {
  if (found.length === 0)
    return [
      section(`No client matches *${escapeText(query)}*. Try part of a first or last name, an email, or a client id.`),
    ];
  const cards = found.flatMap(({ summary, matchedOn }, index) => [
    ...(index > 0 ? [divider()] : []),
    ...clientCardBlocks(summary, timeZone, matchedOn),
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
export function outcomeBlocks(line: string, summary: ClientSummary | null, timeZone: string): Block[] {
  return [section(line), ...(summary ? clientCardBlocks(summary, timeZone) : [])];
}
