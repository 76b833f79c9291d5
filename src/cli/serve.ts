import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the client login site (and Slack and webhooks when configured) until stopped')
    .action(async () => {
      const { runServer } = await import('./server-process.ts');
      await runServer();
    });
}
