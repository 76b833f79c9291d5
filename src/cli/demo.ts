import type { Command } from 'commander';
import { stdout } from './output.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('seed a demo business of 25 clients and print how to sign in as one of them')
    .action(async () => {
      const [{ seedDemo }, { cliActor, withApp }] = await Promise.all([
        import('../app/demo.ts'),
        import('./shared.ts'),
      ]);
      await withApp(async (app) => {
        const demo = await seedDemo(app.deps, { actor: cliActor() });
        await stdout.write(
          [
            `Demo business ready: ${demo.clients} clients, logins for everyone with an email.`,
            '',
            `Start the site with \`latchkey serve\` (\`npm start\` in a checkout), open ${app.config.publicOrigin}/login and sign in as:`,
            `  User name:          ${demo.userName}`,
            `  Temporary password: ${demo.password}   (works once, expires ${demo.expiresAt})`,
            '',
            `Then try \`latchkey audit client ${demo.userName}\`.`,
            '',
          ].join('\n'),
        );
      });
    });
}
