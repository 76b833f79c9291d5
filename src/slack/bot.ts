import { App } from '@slack/bolt';
import type { Hono } from 'hono';
import type { App as LatchkeyApp } from '../app/context.ts';
import type { SlackConfig } from '../config.ts';
import type { Subscription } from '../eventstore/subscription.ts';
import type { Logger } from '../logger.ts';
import { authorizeStaff } from './authorize.ts';
import { boltLogger } from './bolt-logger.ts';
import { register as registerActions } from './listeners/actions/index.ts';
import { register as registerCommands } from './listeners/commands/index.ts';
import { register as registerEvents } from './listeners/events/index.ts';
import { register as registerViews } from './listeners/views/index.ts';
import { startStaffAlerts } from './notifier.ts';
import { HonoReceiver } from './receiver.ts';
import { createBulkRuns, type SlackServices } from './services.ts';

export interface SlackBot {
  /** The `/slack` sub-app for the web server (null in Socket Mode, which needs no inbound HTTP). */
  readonly routes: Hono | null;
  /** Resolves when every Slack request received so far has been fully handled. */
  settled(): Promise<void>;
  /** The staff-alert subscription, when an alerts channel is configured. */
  readonly alerts: Subscription | null;
  stop(): Promise<void>;
}

export interface SlackBotOptions {
  readonly logger: Logger;
  readonly alertsPollIntervalMs?: number;
}

/** The Bolt app for staff, with its listeners, its staff check, and the alerts subscription. */
export async function startSlackBot(
  app: LatchkeyApp,
  settings: SlackConfig,
  options: SlackBotOptions,
): Promise<SlackBot> {
  const logger = options.logger.child({ component: 'slack' });
  const receiver = settings.socketMode
    ? null
    : new HonoReceiver({ signingSecret: requireSetting(settings.signingSecret, 'SLACK_SIGNING_SECRET'), logger });
  const bolt = new App({
    token: settings.botToken,
    ...(receiver ? { receiver } : { socketMode: true, appToken: requireSetting(settings.appToken, 'SLACK_APP_TOKEN') }),
    logger: boltLogger(logger),
    convoStore: false,
    clientOptions: settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {},
    // Socket Mode opens its websocket with a Web API client of its own: the same API address.
    ...(settings.socketMode && settings.apiUrl
      ? { installerOptions: { clientOptions: { slackApiUrl: settings.apiUrl } } }
      : {}),
  });
  bolt.error(async (error) => logger.error({ err: error }, 'a Slack listener failed'));
  const services: SlackServices = {
    deps: app.deps,
    settings,
    logger,
    bulkRuns: createBulkRuns(),
    timeZone: app.config.businessTimeZone,
  };
  bolt.use(authorizeStaff({ settings, store: app.deps.store, clock: app.deps.clock, logger }));
  registerCommands(bolt, services);
  registerActions(bolt, services);
  registerViews(bolt, services);
  registerEvents(bolt, services);
  if (settings.socketMode) {
    // Connecting retries for as long as Slack is away; the client site must not wait for it.
    bolt.start().then(
      () => logger.info('Slack Socket Mode connected'),
      (error: unknown) => logger.error({ err: error }, 'Slack Socket Mode could not connect'),
    );
  } else {
    await bolt.start();
  }

  const alerts = settings.alertsChannelId
    ? await startStaffAlerts({
        deps: app.deps,
        client: bolt.client,
        channel: settings.alertsChannelId,
        dataDir: app.config.dataDir,
        logger,
        ...(options.alertsPollIntervalMs ? { pollIntervalMs: options.alertsPollIntervalMs } : {}),
      })
    : null;
  logger.info({ mode: settings.socketMode ? 'socket' : 'http', alerts: alerts !== null }, 'Slack bot started');
  return {
    routes: receiver?.routes() ?? null,
    settled: () => receiver?.settled() ?? Promise.resolve(),
    alerts,
    async stop() {
      await alerts?.stop();
      await bolt.stop();
    },
  };
}

function requireSetting(value: string | null, name: string): string {
  if (value === null) throw new Error(`${name} is required here; config validation should have said so`);
  return value;
}
