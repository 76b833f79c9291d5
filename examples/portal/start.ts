// `npm run example:portal`: the whole sign-in on this machine. It seeds the demo business (as
// `latchkey demo` does), registers this portal as its app (a fresh client secret each time, shown
// to nobody), starts `latchkey serve` and the portal, and prints where to go and whom to sign in as.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seedDemo } from '../../src/app/demo.ts';
import { openApp } from '../../src/app/context.ts';
import { loadConfig } from '../../src/config.ts';
import { registerOidcApp, rotateOidcAppSecret } from '../../src/oidc/apps.ts';
import { startPortal } from './portal.ts';

const requester = { actor: { kind: 'system', id: 'example-portal' } } as const;
const portalPort = Number(process.env.PORTAL_PORT ?? 4000);
const portalOrigin = `http://localhost:${portalPort}`;
const appName = 'Example portal';

const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
const app = await openApp(config);
const demo = await seedDemo(app.deps, requester);
const existing = app.deps.readModels.oidcApps
  .listApps('default')
  .find((registered) => registered.name === appName && registered.redirectUris.includes(`${portalOrigin}/callback`));
const registered = existing
  ? await rotateOidcAppSecret(app.deps, 'default', existing.appId, requester)
  : await registerOidcApp(
      app.deps,
      {
        businessId: 'default',
        name: appName,
        redirectUris: [`${portalOrigin}/callback`],
        postLogoutRedirectUris: [`${portalOrigin}/`],
        backchannelLogoutUri: `${portalOrigin}/backchannel-logout`,
      },
      requester,
    );
if (!registered.ok) throw new Error(registered.error.message);
await app.close();

// The built command when `npm ci` has built it, else the sources.
const root = fileURLToPath(new URL('../../', import.meta.url));
const built = existsSync(`${root}dist/cli/entry.js`);
const latchkey = spawn(
  process.execPath,
  built ? [`${root}bin/latchkey.js`, 'serve'] : ['--import', 'tsx', `${root}src/cli/entry.ts`, 'serve'],
  { stdio: ['ignore', 'inherit', 'inherit'], env: process.env },
);
const stopAll = () => {
  latchkey.kill('SIGTERM');
  process.exit(0);
};
process.once('SIGINT', stopAll);
process.once('SIGTERM', stopAll);
latchkey.once('exit', (code) => {
  process.stderr.write(`latchkey serve stopped (${code}); stopping the portal\n`);
  process.exit(code ?? 1);
});

const issuer = `${config.publicOrigin}/oidc`;
for (let tries = 0; ; tries++) {
  const answer = await fetch(`${issuer}/.well-known/openid-configuration`).catch(() => null);
  if (answer?.ok) break;
  if (tries > 100) throw new Error(`Latchkey did not answer at ${issuer}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
await startPortal({
  issuer,
  clientId: registered.value.app.appId,
  clientSecret: registered.value.clientSecret,
  origin: portalOrigin,
  businessName: config.businessName,
  port: portalPort,
});
process.stdout.write(
  [
    '',
    `The example portal is at ${portalOrigin}`,
    `Sign in with ${config.businessName} as:`,
    `  User name:          ${demo.userName}`,
    `  Temporary password: ${demo.password}`,
    'Ctrl-C stops both.',
    '',
  ].join('\n'),
);
