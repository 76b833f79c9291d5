import type { App } from '../app/context.ts';
import { requestCredentialsEmail } from '../app/logins.ts';
import { liftMailSuppression } from '../app/mail-suppression.ts';
import { describeRelayState } from '../mail/relay-state-text.ts';
import { describeMailState } from '../mail/status-text.ts';
import { formatMailDateTime } from '../mail/templates.ts';
import type { MailHistoryEntry } from '../projections/mail-status.ts';
import { fail } from './errors.ts';
import { stdout } from './output.ts';
import { cliActor, withApp } from './shared.ts';

/**
 * What `mail send`, `mail status` and `mail unsuppress` do, loaded only when one of them runs:
 * `latchkey --help` and the other commands need none of the app, the read models or the
 * template engine.
 */
export async function sendCredentialsEmail(clientId: string): Promise<void> {
  await withApp(async (app) => {
    const requested = await requestCredentialsEmail(app.deps, { clientId }, { actor: cliActor() });
    if (!requested.ok) fail(requested.error.message);
    await stdout.write(
      `Credentials email to ${requested.value.email} requested; the mail relay of \`latchkey serve\` sends it.\n`,
    );
    const suppression = app.deps.readModels.mail.findSuppression(requested.value.email);
    if (suppression)
      await stdout.write(
        `But mail to ${suppression.address} is suppressed (it ${suppression.reason} on ${formatMailDateTime(suppression.since, app.config.businessTimeZone)}): ` +
          `it will not be sent. Once the address is fixed, run \`latchkey mail unsuppress ${clientId}\` and send again.\n`,
      );
    await stdout.write(`Follow it with \`latchkey mail status ${clientId}\`.\n`);
  });
}

export async function showMailStatus(clientId: string | undefined): Promise<void> {
  await withApp(async (app) => {
    await app.deps.projections.catchUp();
    const mail = app.deps.readModels.mail;
    if (clientId) {
      if (!app.deps.readModels.clients.getClient(clientId)) fail(`There is no client ${clientId}.`);
      const history = mail.clientMailHistory(clientId);
      if (history.length === 0) await stdout.write(`No email has been requested for ${clientId}.\n`);
      for (const entry of history) await stdout.write(`${describeEntry(app, entry, false)}\n`);
      await stdout.write(`\n${describeRelayState(app.config)}\n`);
      return;
    }
    const troubled = mail.listTroubledEmails();
    await stdout.write(troubled.length === 0 ? 'No email needs attention.\n' : 'Emails that need attention:\n');
    for (const entry of troubled) await stdout.write(`${describeEntry(app, entry, true)}\n`);
    const suppressed = mail.listSuppressions();
    if (suppressed.length > 0) await stdout.write('\nAddresses no longer mailed:\n');
    for (const address of suppressed)
      await stdout.write(
        `  ${address.address}  ${address.reason} on ${formatMailDateTime(address.since, app.config.businessTimeZone)}  (lift: latchkey mail unsuppress ${address.clientId})\n`,
      );
    await stdout.write(`\n${describeRelayState(app.config)}\n`);
  });
}

export async function unsuppressMail(clientId: string): Promise<void> {
  await withApp(async (app) => {
    const lifted = await liftMailSuppression(app.deps, { clientId }, { actor: cliActor() });
    if (!lifted.ok) fail(lifted.error.message);
    await stdout.write(
      `Mail to ${lifted.value.address} goes out again (it had ${lifted.value.reason}). If Mailgun suppresses it too, remove it there (Suppressions). ` +
        `Send the email again with \`latchkey mail send credentials ${clientId}\`.\n`,
    );
  });
}

function describeEntry(app: App, entry: MailHistoryEntry, withClient: boolean): string {
  const settings = { timeZone: app.config.businessTimeZone, retryWindowSeconds: app.config.mail.retryWindowSeconds };
  const who = withClient ? `${entry.clientId}  ` : '';
  const requested = formatMailDateTime(entry.requestedAt, app.config.businessTimeZone);
  return `${who}${entry.template}  requested ${requested}\n    ${describeMailState(entry, settings)}`;
}
