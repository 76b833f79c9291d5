import { loadConfig, type Config } from '../config.ts';
import { openApp } from '../app/context.ts';
import { createAdminApp } from '../http/admin.ts';
import { createHttpApp } from '../http/app.ts';
import { startHttpServer, type RunningServer } from '../http/server.ts';
import { createServerLogger } from '../logger.ts';
import { openMailTransport } from '../mail/open-transport.ts';
import { startMailRelay, type MailRelay } from '../mail/relay.ts';
import { startSlackBot, type SlackBot } from '../slack/bot.ts';
import { oidcHosting } from '../oidc/hosting.ts';
import { startOidcLogoutReactor, type OidcLogoutReactor } from '../oidc/logout-reactor.ts';
import { openOidcStoreFor } from '../oidc/open-store.ts';
import type { OidcStore } from '../oidc/store.ts';

/** SIGTERM to exit: service managers wait about 10 s before they kill, so everything must fit in that. */
const shutdownDeadlineMs = 9_000;
/** Requests in flight get this long to be answered before their connections are cut. */
const requestGraceMs = 5_000;
/** Expired OpenID Connect codes, tokens and sessions are deleted this often. */
const oidcSweepMs = 10 * 60_000;

/**
 * `latchkey serve`: the client site, Slack and webhooks on one port, the mail relay, and the
 * operators' status port. Slack and Mailgun are neighbours: nothing here waits on them, and their
 * failures are logged and retried by their own parts while the site keeps answering.
 */
export async function runServer(): Promise<void> {
  const config = loadConfig();
  const logger = await createServerLogger({ level: config.logLevel, format: config.logFormat });
  // A promise some library forgot to handle must not take the login site down with it.
  const onUnhandledRejection = (reason: unknown) =>
    logger.error({ err: reason }, 'a background task failed and nobody handled it; still serving');
  process.on('unhandledRejection', onUnhandledRejection);

  const app = await openApp(config, { logger });
  if (!config.businessTimeZoneSet) {
    logger.warn(
      { businessTimeZone: config.businessTimeZone },
      'BUSINESS_TIME_ZONE is not set: emails show times in UTC. Set it to the business time zone, like Europe/London.',
    );
  }
  let slack: SlackBot | null = null;
  let site: RunningServer | null = null;
  let admin: RunningServer | null = null;
  let relay: MailRelay | null = null;
  let oidcStore: OidcStore | null = null;
  let oidcSweep: NodeJS.Timeout | null = null;
  let oidcLogout: OidcLogoutReactor | null = null;
  const stopEverything = async () => {
    await site?.close({ graceMs: requestGraceMs });
    await oidcLogout?.stop();
    if (oidcSweep) clearInterval(oidcSweep);
    await oidcStore?.close();
    await admin?.close({ graceMs: 1_000 });
    await slack?.stop();
    await relay?.stop();
    await app.close();
  };
  try {
    slack = config.slack ? await startSlackBot(app, config.slack, { logger }) : null;
    // Each business's OpenID Connect provider is built on the first request to its /oidc.
    const store = await openOidcStoreFor(config);
    oidcStore = store;
    oidcSweep = setInterval(() => {
      store.sweep().catch((error: unknown) => {
        logger.error({ err: error }, 'could not delete expired OpenID Connect rows; trying again later');
      });
    }, oidcSweepMs);
    oidcSweep.unref();
    const oidc = oidcHosting({ store, dataDir: config.dataDir, trustProxy: config.trustedProxies.length > 0, logger });
    // Ends a client's portal sessions (back-channel logout) when her Latchkey sessions end for good.
    oidcLogout = startOidcLogoutReactor(app, { store, hosting: oidc, logger });
    const http = createHttpApp(app, { logger, oidc, ...(slack?.routes ? { slack: slack.routes } : {}) });
    site = await startHttpServer(http, { port: config.port, host: config.host });
    if (config.admin) {
      const running = slack;
      const adminApp = createAdminApp(app, {
        mail: () => {
          const state = relay?.state();
          const paused = state?.kind === 'paused' ? { problem: state.problem, since: state.since } : {};
          return { relay: state?.kind ?? 'off', transport: config.mail.transport, ...paused };
        },
        slack: () => (running ? { ...running.tokenState() } : null),
      });
      admin = await startHttpServer(adminApp, { ...config.admin, name: 'admin' });
    }
    relay = config.mail.relayEnabled ? startMailRelay(app, openMailTransport(config), { logger }) : null;
  } catch (error) {
    await stopEverything().catch(() => undefined);
    process.off('unhandledRejection', onUnhandledRejection);
    throw error;
  }

  logger.info(
    { url: site.url, publicOrigin: config.publicOrigin, store: config.store.split(':')[0], admin: admin?.url ?? null },
    startupLine(config, site.url, admin?.url ?? null),
  );
  await nextStopSignal();
  logger.info('shutting down: answering the requests in flight, then stopping the mail relay');
  const deadline = setTimeout(() => {
    logger.error(`shutdown did not finish within ${shutdownDeadlineMs / 1000} s; exiting anyway`);
    process.exit(1);
  }, shutdownDeadlineMs);
  deadline.unref();
  await stopEverything();
  clearTimeout(deadline);
  process.off('unhandledRejection', onUnhandledRejection);
  logger.info('stopped');
}

/** The one line a person starting the server needs: where to open it, and where the mail goes. */
export function startupLine(config: Config, listeningUrl: string, adminUrl: string | null): string {
  // With PORT=0 the configured origin cannot know the port the system picked.
  const open = config.port === 0 ? listeningUrl : config.publicOrigin;
  const mail = !config.mail.relayEnabled
    ? 'mail is sent by another instance (MAIL_RELAY=false)'
    : config.mail.mailgun
      ? `mail goes through Mailgun (${config.mail.mailgun.domain})`
      : config.devMode
        ? `dev mail goes to ${open}/dev/outbox (files in ${config.mail.outboxDir})`
        : `mail goes to files in ${config.mail.outboxDir}`;
  return `Latchkey is serving: open ${open}/login; ${mail}${adminUrl ? `; status on ${adminUrl}/status` : ''}`;
}

/** Resolves at SIGTERM or SIGINT; a second signal while stopping ends the process at once. */
function nextStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
