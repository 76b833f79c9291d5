import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { changeClientEmail, type ImportReport } from '../app/directory.ts';
import { requestCredentialsEmail } from '../app/logins.ts';
import { fail } from './errors.ts';
import { stdout } from './output.ts';
import { cliActor, withApp } from './shared.ts';

export function registerClientCommands(program: Command): void {
  const clients = program.command('clients').description('the client directory');

  clients
    .command('import')
    .description('import a client export (CSV with Client ID, First Name, Last Name, Email, Alt Email, Status)')
    .argument('<csv>', 'the exported file')
    .option('--dry-run', 'check every row and report what would change, writing nothing')
    .action(async (file: string, options: { dryRun?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        fail(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
        );
      }
      const [{ parseClientExport }, { importClients }, { createProgress }, { cliActor, withApp }] = await Promise.all([
        import('../app/client-import.ts'),
        import('../app/directory.ts'),
        import('./progress.ts'),
        import('./shared.ts'),
      ]);
      const parsed = parseClientExport(text);
      await withApp(async (app) => {
        const progress = createProgress('importing', parsed.rows.length);
        const report = await importClients(
          app.deps,
          parsed,
          { dryRun: options.dryRun ?? false, onProgress: progress.update },
          { actor: cliActor() },
        );
        progress.stop();
        await printImportReport(report, options.dryRun ?? false);
        if (!report.written && !options.dryRun) process.exitCode = 1;
      });
    });

  clients
    .command('set-email')
    .description("correct a client's email in the directory (after a bounce, or a typo)")
    .argument('<client>', 'the client id')
    .argument('<email>', 'the new email address')
    .option('--send-credentials', 'then email the credentials, with a fresh temporary password, to the new address')
    .action(async (clientId: string, email: string, options: { sendCredentials?: boolean }) => {
      await withApp(async (app) => {
        const actor = cliActor();
        const changed = await changeClientEmail(app.deps, { clientId, email }, { actor });
        if (!changed.ok) fail(changed.error.message);
        const { previous } = changed.value;
        process.stdout.write(
          changed.value.changed
            ? `${clientId}: email changed to ${changed.value.email}${previous ? ` (was ${previous})` : ''}.\n`
            : `${clientId}: the email was already ${changed.value.email}; nothing changed.\n`,
        );
        if (options.sendCredentials) {
          const requested = await requestCredentialsEmail(app.deps, { clientId }, { actor });
          if (!requested.ok)
            fail(`the email was changed, but the credentials were not sent: ${requested.error.message}`);
          process.stdout.write(`${clientId}: credentials email queued to ${requested.value.email}.\n`);
        }
      });
    });

  clients
    .command('search')
    .description('find clients by part of a name or email')
    .argument('<text...>', 'what to look for')
    .action(async (words: string[]) => {
      const [{ withApp }, { formatLoginStatus, describeLoginStatus }] = await Promise.all([
        import('./shared.ts'),
        import('../projections/login-status.ts'),
      ]);
      await withApp(async (app) => {
        const found = app.deps.readModels.clients.searchClients(words.join(' '), 50);
        if (found.length === 0) await stdout.write('No client matches.\n');
        for (const client of found) {
          const credential = app.deps.readModels.credentials.getCredential(client.clientId);
          const status = formatLoginStatus(describeLoginStatus(credential, app.deps.clock.now()));
          const login = credential ? ` login ${credential.userName}` : '';
          await stdout.write(
            `${client.clientId}  ${client.firstName} ${client.lastName}  <${client.email ?? 'no email'}>${login}  ${status}\n`,
          );
        }
      });
    });
}

/** One line per problem, written as the reader takes them: a report on a large export can be long. */
async function printImportReport(report: ImportReport, dryRun: boolean): Promise<void> {
  const out = stdout;
  if (report.fileError) {
    await out.write(`Nothing imported: ${report.fileError}\n`);
    return;
  }
  for (const row of report.rows) {
    for (const error of row.errors)
      await out.write(`line ${row.line}${row.clientId ? ` (${row.clientId})` : ''}: error: ${error}\n`);
    for (const warning of row.warnings) await out.write(`line ${row.line} (${row.clientId}): note: ${warning}\n`);
  }
  const { counts } = report;
  const summary = `${counts.new} new, ${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.error} with errors`;
  if (counts.error > 0) await out.write(`Nothing imported: fix the rows above and import again. (${summary})\n`);
  else await out.write(`${dryRun ? 'Dry run, nothing written' : 'Imported'}: ${summary}.\n`);
}
