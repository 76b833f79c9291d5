import type { Command } from 'commander';
import { stdout } from './output.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'seed a demo business of 25 clients and two more businesses on *.localhost, and print how to sign in at each',
    )
    .action(async () => {
      const [{ seedDemo, seedDemoBusinesses }, { cliActor, withApp }] = await Promise.all([
        import('../app/demo.ts'),
        import('./shared.ts'),
      ]);
      await withApp(async (app) => {
        const demo = await seedDemo(app.deps, { actor: cliActor() });
        const businesses = await seedDemoBusinesses(app.deps, app.config, { actor: cliActor() });
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
            'Two more businesses answer on their own addresses (browsers send *.localhost to this machine):',
            ...businesses.flatMap((business) => [
              '',
              `${business.name} (${business.businessId}): ${business.clients} clients, open ${business.origin}/login and sign in as:`,
              `  User name:          ${business.userName}`,
              `  Temporary password: ${business.password}   (works once, expires ${business.expiresAt})`,
              `  Audit: \`latchkey --business ${business.businessId} audit client ${business.userName}\``,
            ]),
            '',
          ].join('\n'),
        );
      });
    });
}
