import type { AppDeps } from '../app/deps.ts';
import type { EmailAlertInput } from '../app/email-alerts.ts';
import { describeLoginStatus } from '../projections/login-status.ts';
import { resumePrefix, type EmailAlertGroupChoice } from './blocks/bulk.ts';
import { clientName } from './client-summary.ts';

type Deps = Pick<AppDeps, 'readModels' | 'clock'>;

/**
 * The groups staff can send Email Alerts to from Slack. Two are sendEmailAlert's own groups; the
 * third is chosen here and sent as a list of ids. Counts follow sendEmailAlert's rules: an email
 * on file, and a login that is on (clients without a login are provisioned first).
 */
const choices = {
  'never-logged-in': {
    label: 'Never logged in',
    recipients: (deps: Deps) =>
      deps.readModels.credentials
        .listCredentials()
        .filter((login) => !login.disabled && login.lastLoginAt === null && hasEmail(deps, login.clientId)),
    input: (): Pick<EmailAlertInput, 'group' | 'clientIds'> => ({ group: 'never-logged-in' }),
  },
  'no-login': {
    label: 'No login yet',
    recipients: (deps: Deps) =>
      deps.readModels.credentials.listClientsWithoutLogin().filter((client) => client.email !== null),
    input: (): Pick<EmailAlertInput, 'group' | 'clientIds'> => ({ group: 'no-login' }),
  },
  'expired-or-burned': {
    label: 'Temporary password expired or burned',
    recipients: (deps: Deps) => {
      const now = deps.clock.now();
      return deps.readModels.credentials
        .listCredentials()
        .filter(
          (login) =>
            hasEmail(deps, login.clientId) &&
            ['temp_expired', 'temp_burned'].includes(describeLoginStatus(login, now).kind),
        );
    },
    input: (deps: Deps): Pick<EmailAlertInput, 'group' | 'clientIds'> => ({
      group: 'ids',
      clientIds: choices['expired-or-burned'].recipients(deps).map((login) => login.clientId),
    }),
  },
} as const;

export type EmailAlertChoice = keyof typeof choices;

const hasEmail = (deps: Deps, clientId: string): boolean => Boolean(deps.readModels.clients.getClient(clientId)?.email);

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
  choices[choice].recipients(deps).length;

const previewSize = 20;

/** Each group with its size and the first names in it, so staff see who is in it before sending. */
export function emailAlertGroupChoices(deps: Deps): EmailAlertGroupChoice[] {
  return (Object.keys(choices) as EmailAlertChoice[]).map((id) => {
    const recipients = choices[id].recipients(deps);
    const names = recipients.slice(0, previewSize).flatMap((recipient) => {
      const client = deps.readModels.clients.getClient(recipient.clientId);
      return client ? [clientName(client)] : [];
    });
    return { id, label: choices[id].label, count: recipients.length, names };
  });
}
