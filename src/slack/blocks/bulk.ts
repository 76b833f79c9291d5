import type { BatchTally } from '../../domain/batch.ts';
import type { BatchView } from '../../projections/batches.ts';
import { actionIds, keyedActionId } from '../ids.ts';
import { actions, button, confirm, context, escapeText, section, type Block } from './kit.ts';

export function provisionMenuBlocks(input: { waiting: number; unfinished: BatchView | null }): Block[] {
  const { waiting, unfinished } = input;
  if (!unfinished && waiting === 0)
    return [section('Every client with an email already has a login. Nothing to provision.')];
  const intro = unfinished
    ? `A provisioning batch started by ${escapeText(unfinished.startedBy)} stopped at ${unfinished.done} of ${unfinished.total}. Resume it:`
    : `*${waiting}* client${waiting === 1 ? '' : 's'} with an email have no login. Each gets their email as user name.`;
  const verb = unfinished ? 'Resume' : 'Provision';
  const count = unfinished ? unfinished.total - unfinished.done : waiting;
  return [
    section(intro),
    actions('provision', [
      button({
        text: `${verb} without email`,
        actionId: keyedActionId(actionIds.startProvisioning, 'no_email'),
        value: 'no_email',
        confirm: confirm({
          title: 'Provision everyone?',
          text: `Give up to ${count} clients a login without emailing them.`,
          confirm: verb,
        }),
      }),
      button({
        text: `${verb} and email credentials`,
        actionId: keyedActionId(actionIds.startProvisioning, 'email'),
        value: 'email',
        style: 'primary',
        confirm: confirm({
          title: 'Provision and email everyone?',
          text: `Give up to ${count} clients a login and send each the Client Login Credentials email with a fresh temporary password.`,
          confirm: `${verb} and email`,
        }),
      }),
    ]),
    context('Progress is shown in this channel. If it stops, run this again to resume: nobody is done twice.'),
  ];
}

export interface EmailAlertGroupChoice {
  readonly id: string;
  readonly label: string;
  readonly count: number;
  /** The first names in the group, for a look before sending. */
  readonly names: readonly string[];
}

/** "Ada Lovelace, Alan Turing … and 12 more" */
function groupPreview(group: EmailAlertGroupChoice): string {
  const shown = group.names.map(escapeText).join(', ');
  const more = group.count - group.names.length;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/**
 * Email Alerts: each group with its size and who is in it (the first 20 names), a button to send
 * to it, and a way to pick named clients; or the unfinished batch to resume first.
 */
export function emailAlertMenuBlocks(input: {
  groups: readonly EmailAlertGroupChoice[];
  unfinished: BatchView | null;
}): Block[] {
  const { unfinished } = input;
  if (unfinished) {
    return [
      section(
        `An Email Alerts batch started by ${escapeText(unfinished.startedBy)} stopped at ${unfinished.done} of ${unfinished.total}. Finish it before sending another:`,
      ),
      actions('email_alert', [
        button({
          text: 'Resume Email Alerts',
          actionId: keyedActionId(actionIds.startEmailAlert, 'resume'),
          value: `${resumePrefix}${unfinished.batchId}`,
          style: 'primary',
          confirm: confirm({
            title: 'Resume Email Alerts?',
            text: 'Email the clients of that batch who were not emailed yet. Nobody is emailed twice.',
            confirm: 'Resume',
          }),
        }),
      ]),
    ];
  }
  const choices = input.groups.filter((group) => group.count > 0);
  return [
    section('*Email Alerts*: send the Client Login Credentials email, with a fresh temporary password, to a group.'),
    ...(choices.length === 0 ? [section('No group has anyone to email right now.')] : []),
    ...choices.map((group) =>
      section(
        `*${escapeText(group.label)}* — ${group.count} client${group.count === 1 ? '' : 's'}: ${groupPreview(group)}`,
        button({
          text: group.count === 1 ? 'Email this client' : `Email these ${group.count}`,
          actionId: keyedActionId(actionIds.startEmailAlert, group.id),
          value: group.id,
          confirm: confirm({
            title: 'Send Email Alerts?',
            text: `Email ${group.count} client${group.count === 1 ? '' : 's'} (${group.label.toLowerCase()}) their credentials with a fresh temporary password. Any earlier one stops working.`,
            confirm: 'Send',
          }),
        }),
      ),
    ),
    actions('email_alert_pick', [
      button({ text: 'Pick clients by name or id', actionId: actionIds.openEmailAlertPicker, value: 'pick' }),
    ]),
    context(
      'Inactive clients are left out of the groups; pick them by id to include them. Clients without a login get one first (user name = email). Progress is shown in this channel.',
    ),
  ];
}

/** The value of the Resume button: the batch id after this prefix. */
export const resumePrefix = 'resume:';

/** The one progress message of a bulk run, posted once and then updated in place. */
export function progressBlocks(input: {
  title: string;
  tally: BatchTally;
  total: number;
  finished: boolean;
  batchId: string;
}): Block[] {
  const { tally, total } = input;
  const percent = total === 0 ? 100 : Math.floor((tally.done / total) * 100);
  const state = input.finished ? ':white_check_mark: Finished' : `:hourglass_flowing_sand: ${percent}%`;
  return [
    section(
      `*${escapeText(input.title)}* — ${state}\n${tally.done} of ${total} done: ${tally.succeeded} succeeded, ${tally.skipped} skipped, ${tally.failed} failed.`,
    ),
    context(`Batch \`${input.batchId}\``),
  ];
}

export const progressText = (title: string, tally: BatchTally, total: number): string =>
  `${title}: ${tally.done} of ${total} done`;

/** A stopped run's message once another run has picked the batch up. */
export function stoppedProgressBlocks(input: { title: string; done: number; total: number }): Block[] {
  return [
    section(
      `*${escapeText(input.title)}* — :double_vertical_bar: Stopped at ${input.done} of ${input.total}. It was resumed: the newer progress message carries on, and nobody is done twice.`,
    ),
  ];
}
