import type { AppDeps } from '../app/deps.ts';
import { selectEmailAlertRecipients, type EmailAlertInput } from '../app/email-alerts.ts';
import { describeLoginStatus } from '../projections/login-status.ts';
import { resumePrefix, type EmailAlertGroupChoice } from './blocks/bulk.ts';
import { clientName } from './client-summary.ts';

type Deps = AppDeps;

type GroupInput = Pick<EmailAlertInput, 'group' | 'clientIds'>;

/**
 * The groups staff can send Email Alerts to from Slack. Two are sendEmailAlert's own groups; the
 * third is chosen here and sent as a list of ids.
 */
const choices = {
  'never-logged-in': {
    label: 'Never logged in',
    input: (): GroupInput => ({ group: 'never-logged-in' }),
  },
  'no-login': {
    label: 'No login yet',
    input: (): GroupInput => ({ group: 'no-login' }),
  },
  'expired-or-burned': {
    label: 'Temporary password expired or burned',
    input: (deps: Deps): GroupInput => {
      const now = deps.clock.now();
      const clientIds = deps.readModels.credentials
        .listCredentials()
        .filter(
          (login) =>
            Boolean(deps.readModels.clients.getClient(login.clientId)?.email) &&
            ['temp_expired', 'temp_burned'].includes(describeLoginStatus(login, now).kind),
        )
        .map((login) => login.clientId);
      return { group: 'ids', clientIds };
    },
  },
} as const;

export type EmailAlertChoice = keyof typeof choices;

/**
 * Who a group's Email Alert would email now, asked of sendEmailAlert's own rule (the cooldown,
 * suppressions, inactive clients, no email or a closed login), so the menu's count is what a send does.
 */
function recipientsOf(deps: Deps, choice: EmailAlertChoice): readonly string[] {
  const input = choices[choice].input(deps);
  const selected = selectEmailAlertRecipients(deps, input);
  return selected.ok ? selected.value.included : [];
}

/** The Email Alerts buttons carry a group, or `resume:<batch id>` for an unfinished batch. */
export type EmailAlertButton =
  { readonly kind: 'group'; readonly choice: EmailAlertChoice } | { readonly kind: 'resume'; readonly batchId: string };

export function parseEmailAlertButton(value: string): EmailAlertButton | null {
  if (value.startsWith(resumePrefix) && value.length > resumePrefix.length)
    return { kind: 'resume', batchId: value.slice(resumePrefix.length) };
  return Object.hasOwn(choices, value) ? { kind: 'group', choice: value as EmailAlertChoice } : null;
}

export const emailAlertChoiceLabel = (choice: EmailAlertChoice): string => choices[choice].label;

/** What to hand sendEmailAlert for a choice, decided when the button is pressed. */
export const emailAlertInputFor = (deps: Deps, choice: EmailAlertChoice) => choices[choice].input(deps);

export const emailAlertRecipientCount = (deps: Deps, choice: EmailAlertChoice): number =>
  recipientsOf(deps, choice).length;

const previewSize = 20;

/** Each group with its size and the first names in it, so staff see who is in it before sending. */
export function emailAlertGroupChoices(deps: Deps): EmailAlertGroupChoice[] {
  return (Object.keys(choices) as EmailAlertChoice[]).map((id) => {
    const recipients = recipientsOf(deps, id);
    const names = recipients.slice(0, previewSize).flatMap((clientId) => {
      const client = deps.readModels.clients.getClient(clientId);
      return client ? [clientName(client)] : [];
    });
    return { id, label: choices[id].label, count: recipients.length, names };
  });
}
