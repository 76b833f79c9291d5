import { Argument, Option, type Command } from 'commander';
import type { App } from '../app/context.ts';
import { describeRecipientsLeftOut } from '../app/credentials-recipients.ts';
import type { EmailAlertGroup } from '../app/email-alerts.ts';
import { requestCredentialsEmail } from '../app/logins.ts';
import { liftMailSuppression } from '../app/mail-suppression.ts';
import type { MailHistoryEntry } from '../projections/mail-status.ts';
import { describeMailState } from '../mail/status-text.ts';
import { formatMailDateTime } from '../mail/templates.ts';
import type { MailTemplate } from '../domain/mail.ts';
import { fail } from './errors.ts';
import { cliActor, withApp } from './shared.ts';
import { stdout } from './output.ts';
import type { Progress } from './progress.ts';

/**
 * The templates `mail preview` offers, listed here so `--help` need not load the template engine.
 * The check below fails to compile when a template is added to MailTemplate and not here.
 */
const templateChoices = [
  'client-login-credentials',
  'password-reset',
  'forgotten-user-name',
  'password-changed',
  'new-sign-in',
] as const satisfies readonly MailTemplate[];
const everyTemplateOffered: [Exclude<MailTemplate, (typeof templateChoices)[number]>] extends [never] ? true : never =
  true;
void everyTemplateOffered;

export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('email templates and Email Alerts');

  mail
    .command('preview')
    .description("render an email template with sample data, or a real client's details (secrets stay placeholders)")
    .addArgument(new Argument('<template>', 'which template').choices(templateChoices))
    .option('--client <id>', "use this client's name, email and user name")
    .addOption(new Option('--part <part>', 'print only one part').choices(['subject', 'text', 'html']))
    .action(async (template: MailTemplate, options: { client?: string; part?: 'subject' | 'text' | 'html' }) => {
      const [{ previewMail }, { withApp }] = await Promise.all([import('../mail/preview.ts'), import('./shared.ts')]);
      await withApp(async (app) => {
        const preview = previewMail(app, template, options.client);
        if (!preview.ok) fail(preview.error.message);
        const { to, rendered } = preview.value;
        if (options.part) {
          await stdout.write(`${rendered[options.part].replace(/\n?$/, '\n')}`);
          return;
        }
        await stdout.write(
          `To:      ${to}\nSubject: ${rendered.subject}\n\n--- plain text ---\n${rendered.text}\n--- html ---\n${rendered.html}`,
        );
      });
    });

  mail
    .command('alert')
    .description('Email Alert: send the Client Login Credentials email to a group (a tracked, resumable batch)')
    .addOption(new Option('--group <group>', 'who gets it').choices(['never-logged-in', 'no-login', 'ids']))
    .option('--ids <ids>', 'for --group ids: client ids separated by commas')
    .option('--resume <batchId>', 'finish an Email Alert that was interrupted')
    .option('--force', 'also email clients sent credentials within CREDENTIALS_RESEND_COOLDOWN_HOURS')
    .action(async (options: { group?: EmailAlertGroup; ids?: string; resume?: string; force?: boolean }) => {
      if (!options.group && !options.resume)
        fail('say --group never-logged-in, --group no-login or --group ids --ids C1,C2 (or --resume <batchId>)');
      const clientIds = (options.ids ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      if (options.group === 'ids' && clientIds.length === 0) fail('--group ids needs --ids C1,C2');
      if (options.group !== 'ids' && clientIds.length > 0) fail('--ids goes with --group ids');
      const [{ sendEmailAlert }, { createProgress }, { cliActor, withApp }] = await Promise.all([
        import('../app/email-alerts.ts'),
        import('./progress.ts'),
        import('./shared.ts'),
      ]);
      await withApp(async (app) => {
        let progress: Progress | null = null;
        const result = await sendEmailAlert(
          app.deps,
          {
            group: options.group ?? 'ids',
            clientIds,
            force: options.force ?? false,
            ...(options.resume ? { batchId: options.resume } : {}),
            onStart: (batchId, total) => {
              process.stderr.write(`Email Alert ${batchId}: ${total} clients.\n`);
              progress = createProgress('requesting emails', total);
            },
            onProgress: (tally) => progress?.update(tally.done),
          },
          { actor: cliActor() },
        );
        (progress as Progress | null)?.stop();
        if (!result.ok) fail(result.error.message);
        const { batchId, tally, leftOut } = result.value;
        await stdout.write(
          `Email Alert ${batchId}: ${tally.succeeded} emails requested, ${tally.skipped} skipped, ${tally.failed} failed.\n`,
        );
        const why = describeRecipientsLeftOut(leftOut, app.deps.settings.credentialsResendCooldownSeconds);
        if (why) await stdout.write(`${why}\n`);
        await stdout.write("The mail relay of `latchkey serve` sends them; watch each client's last email state.\n");
        if (tally.failed > 0) process.exitCode = 1;
      });
    });

  mail
    .command('send')
    .description('email one client: `mail send credentials <client>` sends a fresh temporary password')
    .addArgument(new Argument('<email>', 'which email').choices(['credentials']))
    .argument('<client>', 'the client id')
    .action(async (_email: 'credentials', clientId: string) => {
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
    });

  mail
    .command('status')
    .description("each email's life: requested, sent, delivered / failed / bounced, suppressed, retrying until …")
    .argument('[client]', 'one client (default: every email staff may need to act on)')
    .action(async (clientId: string | undefined) => {
      await withApp(async (app) => {
        await app.deps.projections.catchUp();
        const mail = app.deps.readModels.mail;
        if (clientId) {
          if (!app.deps.readModels.clients.getClient(clientId)) fail(`There is no client ${clientId}.`);
          const history = mail.clientMailHistory(clientId);
          if (history.length === 0) await stdout.write(`No email has been requested for ${clientId}.\n`);
          for (const entry of history) await stdout.write(`${describeEntry(app, entry, false)}\n`);
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
      });
    });

  mail
    .command('unsuppress')
    .description("mail a client's address again after it bounced, complained or unsubscribed, once it is fixed")
    .argument('<client>', 'the client id')
    .action(async (clientId: string) => {
      await withApp(async (app) => {
        const lifted = await liftMailSuppression(app.deps, { clientId }, { actor: cliActor() });
        if (!lifted.ok) fail(lifted.error.message);
        await stdout.write(
          `Mail to ${lifted.value.address} goes out again (it had ${lifted.value.reason}). If Mailgun suppresses it too, remove it there (Suppressions). ` +
            `Send the email again with \`latchkey mail send credentials ${clientId}\`.\n`,
        );
      });
    });
}

function describeEntry(app: App, entry: MailHistoryEntry, withClient: boolean): string {
  const settings = { timeZone: app.config.businessTimeZone, retryWindowSeconds: app.config.mail.retryWindowSeconds };
  const who = withClient ? `${entry.clientId}  ` : '';
  const requested = formatMailDateTime(entry.requestedAt, app.config.businessTimeZone);
  return `${who}${entry.template}  requested ${requested}\n    ${describeMailState(entry, settings)}`;
}
