import type { Command } from 'commander';
import type { App } from '../app/context.ts';
import { fail } from './errors.ts';
import { stdout } from './output.ts';

async function clientIdOf(app: App, idOrUserName: string): Promise<string> {
  const { resolveClient } = await import('../app/audit.ts');
  return resolveClient(app.deps, idOrUserName) ?? fail(`no client or user name ${idOrUserName}`);
}

/** What every login action needs, loaded when one runs rather than for `--help`. */
async function loadLoginActions() {
  const [logins, shared] = await Promise.all([import('../app/logins.ts'), import('./shared.ts')]);
  return { ...logins, ...shared };
}

export function registerLoginCommands(program: Command): void {
  const login = program.command('login').description('staff actions on one client login');

  login
    .command('assign')
    .description('give a client a user name, or rename their login')
    .argument('<client>', 'client id')
    .argument('<userName>', 'the user name, often the email')
    .action(async (clientId: string, userName: string) => {
      const { assignLogin, cliActor, withApp } = await loadLoginActions();
      await withApp(async (app) => {
        const result = await assignLogin(app.deps, { clientId, userName }, { actor: cliActor() });
        if (!result.ok) fail(result.error.message);
        await stdout.write(
          result.value.changed
            ? `${clientId} now signs in as ${result.value.userName}.\n`
            : `${clientId} already signs in as ${result.value.userName}.\n`,
        );
      });
    });

  login
    .command('issue-temp')
    .description('issue a one-use temporary password and print it once, here')
    .argument('<client>', 'client id or user name')
    .action(async (idOrUserName: string) => {
      const { issueTempPassword, cliActor, withApp } = await loadLoginActions();
      await withApp(async (app) => {
        const clientId = await clientIdOf(app, idOrUserName);
        const result = await issueTempPassword(
          app.deps,
          { clientId, delivery: 'shown_to_staff' },
          { actor: cliActor() },
        );
        if (!result.ok) fail(result.error.message);
        const { userName, password, expiresAt } = result.value;
        await stdout.write(
          `User name:          ${userName}\nTemporary password: ${password}\nExpires:            ${expiresAt}\n`,
        );
        await stdout.write('It works once; it is not stored anywhere and cannot be shown again.\n');
      });
    });

  for (const [action, description] of [
    ['disable', 'disable a login (its sessions end)'],
    ['enable', 'enable a disabled login'],
    ['revoke-sessions', 'sign the client out everywhere'],
  ] as const) {
    login
      .command(action)
      .description(description)
      .argument('<client>', 'client id or user name')
      .option('--reason <text>', 'why (recorded in the log)')
      .action(async (idOrUserName: string, options: { reason?: string }) => {
        const { changeLoginAccess, cliActor, withApp } = await loadLoginActions();
        await withApp(async (app) => {
          const clientId = await clientIdOf(app, idOrUserName);
          const result = await changeLoginAccess(
            app.deps,
            { clientId, action, ...(options.reason ? { reason: options.reason } : {}) },
            { actor: cliActor() },
          );
          if (!result.ok) fail(result.error.message);
          await stdout.write(
            result.value.changed
              ? `Done: ${action} ${clientId}.\n`
              : `Nothing to do: ${clientId} is already that way.\n`,
          );
        });
      });
  }
}
