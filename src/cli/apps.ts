import type { Command } from 'commander';
import { fail } from './errors.ts';
import { stdout } from './output.ts';

async function loadAppActions() {
  const [apps, shared] = await Promise.all([import('../oidc/apps.ts'), import('./shared.ts')]);
  return { ...apps, ...shared };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Apps are the business's portals that sign clients in with Latchkey (OpenID Connect relying parties). */
export function registerAppCommands(program: Command): void {
  const apps = program.command('apps').description('the portals that sign clients in with Latchkey (OpenID Connect)');

  apps
    .command('add')
    .description('register an app; its client secret is shown once, here, and never again')
    .argument('<name>', 'the name clients see, like "Happy Paws portal"')
    .requiredOption('--redirect-uri <url>', 'where the app receives the sign-in (repeat for several)', collect, [])
    .option('--post-logout-uri <url>', 'where the app may send clients after logging out (repeatable)', collect, [])
    .option('--backchannel-logout-uri <url>', 'where Latchkey tells the app that a client was signed out')
    .action(
      async (
        name: string,
        options: { redirectUri: string[]; postLogoutUri: string[]; backchannelLogoutUri?: string },
      ) => {
        const actions = await loadAppActions();
        await actions.withApp(async (app) => {
          const added = await actions.registerOidcApp(
            app.deps,
            {
              businessId: app.deps.businessId,
              name,
              redirectUris: options.redirectUri,
              postLogoutRedirectUris: options.postLogoutUri,
              backchannelLogoutUri: options.backchannelLogoutUri ?? null,
            },
            { actor: actions.cliActor() },
          );
          if (!added.ok) fail(`nothing was registered: ${added.error.message}`);
          await stdout.write(
            `Registered ${added.value.app.name}.\nclient_id:     ${added.value.app.appId}\n` +
              `client_secret: ${added.value.clientSecret}\n(The secret is shown only now; keep it in the app's settings.)\n`,
          );
        });
      },
    );

  apps
    .command('list')
    .description('every registered app with its addresses')
    .action(async () => {
      const actions = await loadAppActions();
      await actions.withApp(async (app) => {
        for (const entry of app.deps.readModels.oidcApps.listApps(app.deps.businessId)) {
          await stdout.write(`${entry.appId}\t${entry.name}\t${entry.redirectUris.join(' ')}\n`);
        }
      });
    });

  apps
    .command('rotate-secret')
    .description('give an app a new client secret (shown once); the old one stops working at once')
    .argument('<appId>')
    .action(async (appId: string) => {
      const actions = await loadAppActions();
      await actions.withApp(async (app) => {
        const rotated = await actions.rotateOidcAppSecret(app.deps, app.deps.businessId, appId, {
          actor: actions.cliActor(),
        });
        if (!rotated.ok) fail(rotated.error.message);
        await stdout.write(`New client_secret for ${appId}: ${rotated.value.clientSecret}\n(Shown only now.)\n`);
      });
    });

  apps
    .command('remove')
    .description('remove an app: it can no longer sign anyone in')
    .argument('<appId>')
    .action(async (appId: string) => {
      const actions = await loadAppActions();
      await actions.withApp(async (app) => {
        const removed = await actions.removeOidcApp(app.deps, app.deps.businessId, appId, {
          actor: actions.cliActor(),
        });
        if (!removed.ok) fail(removed.error.message);
        await stdout.write(`Removed ${appId}.\n`);
      });
    });
}
