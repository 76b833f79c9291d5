import { Argument, Option, type Command } from 'commander';
import type { EmailAlertGroup } from '../app/email-alerts.ts';
import type { MailTemplate } from '../domain/mail.ts';
import { fail } from './errors.ts';
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
      const [{ sendEmailAlert }, { createProgress }, { cliActor, withApp }, { describeRecipientsLeftOut }] =
        await Promise.all([
          import('../app/email-alerts.ts'),
          import('./progress.ts'),
          import('./shared.ts'),
          import('../app/credentials-recipients.ts'),
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
      const { sendCredentialsEmail } = await import('./mail-actions.ts');
      await sendCredentialsEmail(clientId);
    });

  mail
    .command('status')
    .description("each email's life: requested, sent, delivered / failed / bounced, suppressed, retrying until …")
    .argument('[client]', 'one client (default: every email staff may need to act on)')
    .action(async (clientId: string | undefined) => {
      const { showMailStatus } = await import('./mail-actions.ts');
      await showMailStatus(clientId);
    });

  mail
    .command('unsuppress')
    .description("mail a client's address again after it bounced, complained or unsubscribed, once it is fixed")
    .argument('<client>', 'the client id')
    .action(async (clientId: string) => {
      const { unsuppressMail } = await import('./mail-actions.ts');
      await unsuppressMail(clientId);
    });
}
