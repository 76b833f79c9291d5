import type { TimelineEntry } from '../../projections/timeline.ts';
import type { Actor } from '../../eventstore/port.ts';
import { describeEvent } from './event-labels.ts';
import { context, escapeText, header, section, type Block } from './kit.ts';
import { readableTime } from './time.ts';

export function helpBlocks(command: string): Block[] {
  return [
    section(
      [
        `*${command} <part of a name or email>* — find clients and act on their logins from each card.`,
        `*${command} provision-all* — give every client with an email and no login a user name (their email), optionally emailing their credentials.`,
        `*${command} alerts* — Email Alerts: send the credentials email to a group of clients.`,
        `*${command} help* — this message.`,
      ].join('\n'),
    ),
    context(
      'Temporary passwords are only ever shown to you, privately. Every action is recorded with your Slack name.',
    ),
  ];
}

/** The one place a temporary password is shown: a reply only the staff member who asked can see. */
export function tempPasswordBlocks(input: {
  clientName: string;
  userName: string;
  password: string;
  expiresAt: string;
  timeZone: string;
}): Block[] {
  return [
    section(
      `Temporary password for *${escapeText(input.clientName)}* (user name \`${escapeText(input.userName)}\`):\n\n*\`${input.password}\`*`,
    ),
    context(
      `Only you can see this, and it will not be shown again. It works once and expires ${readableTime(input.expiresAt, input.timeZone)}.`,
      'Read it to the client now; they choose their own password when they log in.',
    ),
  ];
}

export function actorText(actor: Actor): string {
  switch (actor.kind) {
    case 'staff':
      return `<@${actor.id}>`;
    case 'client':
      return 'the client';
    case 'cli':
      return `${escapeText(actor.name ?? actor.id)} (command line)`;
    case 'system':
      return 'Latchkey';
  }
}

const historyLimit = 40;

/** A client's audit timeline, newest last, trimmed to the most recent entries that fit a message. */
export function historyBlocks(
  client: { clientId: string; name: string },
  entries: readonly TimelineEntry[],
  timeZone: string,
): Block[] {
  const recent = entries.slice(-historyLimit);
  const lines = recent.map(
    (entry) =>
      `${readableTime(entry.at, timeZone)} · *${describeEvent(entry.type, entry.details)}* by ${actorText(entry.actor)}`,
  );
  const chunks: string[] = [];
  for (const line of lines) {
    const last = chunks[chunks.length - 1];
    if (last !== undefined && last.length + line.length < 2900) chunks[chunks.length - 1] = `${last}\n${line}`;
    else chunks.push(line);
  }
  return [
    header(`History: ${client.name}`),
    ...(chunks.length > 0 ? chunks.map((chunk) => section(chunk)) : [section('Nothing recorded yet.')]),
    ...(entries.length > recent.length
      ? [
          context(
            `Showing the latest ${recent.length} of ${entries.length}. The full record: \`latchkey audit client ${escapeText(client.clientId)}\`.`,
          ),
        ]
      : []),
  ];
}

export function plainMessage(text: string): Block[] {
  return [section(text)];
}
