import type { Command } from 'commander';
import { describeRecipientsLeftOut } from '../app/credentials-recipients.ts';
import { fail } from './errors.ts';
import { stdout } from './output.ts';
import type { Progress } from './progress.ts';

export function registerProvisionCommand(program: Command): void {
  program
    .command('provision')
    .description('give every client with an email and no login the user name = email (resumable, idempotent)')
    .option('--all', 'every client with an email and no login (required)')
    .option('--email', 'also email each one the Client Login Credentials template')
    .option('--batch <id>', 'resume this batch (an unfinished one is resumed by default)')
    .option('--force', 'with --email: also email clients sent credentials within CREDENTIALS_RESEND_COOLDOWN_HOURS')
    .action(async (options: { all?: boolean; email?: boolean; batch?: string; force?: boolean }) => {
      if (!options.all && !options.batch) fail('say --all to provision every client with an email and no login');
      const [{ provisionAll }, { createProgress }, { cliActor, withApp }] = await Promise.all([
        import('../app/provision.ts'),
        import('./progress.ts'),
        import('./shared.ts'),
      ]);
      await withApp(async (app) => {
        let progress: Progress | null = null;
        const { batchId, tally, leftOut } = await provisionAll(
          app.deps,
          {
            sendEmail: options.email ?? false,
            force: options.force ?? false,
            ...(options.batch ? { batchId: options.batch } : {}),
            onStart: (id, resumed, total) => {
              process.stderr.write(
                `${resumed ? 'Resuming' : 'Starting'} provisioning batch ${id} for ${total} clients.\n`,
              );
              progress = createProgress('provisioning', total);
            },
            onProgress: (t) => progress?.update(t.done),
          },
          { actor: cliActor() },
        );
        (progress as Progress | null)?.stop();
        await stdout.write(
          `Batch ${batchId}: ${tally.succeeded} provisioned, ${tally.skipped} skipped, ${tally.failed} failed.\n`,
        );
        const why = describeRecipientsLeftOut(leftOut, app.deps.settings.credentialsResendCooldownSeconds);
        if (why) process.stdout.write(`${why}\n`);
        if (tally.failed > 0) process.exitCode = 1;
      });
    });
}
