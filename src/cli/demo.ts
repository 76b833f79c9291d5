import type { Command } from 'commander';
import { seedDemo } from '../app/demo.ts';
import { cliActor, withApp } from './shared.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('seed a demo business of 25 clients and print how to sign in as one of them')
    .action(async () => {
      await withApp(async (app) => {
        const demo = await seedDemo(app.deps, { actor: cliActor() });
        process.stdout.write(
          [
            `Demo business ready: ${demo.clients} clients, logins for everyone with an email.`,
            '',
            `Start the site with \`npm start\`, open ${app.config.publicOrigin}/login and sign in as:`,
            `  User name:          ${demo.userName}`,
            `  Temporary password: ${demo.password}   (works once, expires ${demo.expiresAt})`,
            '',
            `Then try \`npm run latchkey -- audit client ${demo.userName}\`.`,
            '',
          ].join('\n'),
        );
      });
    });
}
