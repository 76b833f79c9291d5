import { App, ErrorCode } from '@slack/bolt';
import type { Hono } from 'hono';
import type { App as LatchkeyApp } from '../app/context.ts';
import type { SlackConfig } from '../config.ts';
import type { Subscription } from '../eventstore/subscription.ts';
import type { Logger } from '../logger.ts';
import { authorizeStaff } from './authorize.ts';
import { boltLogger } from './bolt-logger.ts';
import { authorizeByWorkspace, refuseSuspendedBusiness } from './business-context.ts';
import { register as registerActions } from './listeners/actions/index.ts';
import { register as registerCommands } from './listeners/commands/index.ts';
import { register as registerEvents } from './listeners/events/index.ts';
import { register as registerViews } from './listeners/views/index.ts';
import { alertTargets } from './alert-targets.ts';
import { startStaffAlerts } from './notifier.ts';
import { openSlackOAuth } from './oauth/setup.ts';
import { handleUninstallEvents } from './oauth/uninstall.ts';
import { HonoReceiver } from './receiver.ts';
import { createBulkRuns, type SlackServices } from './services.ts';
import { slackStaffOf } from './staff-settings.ts';
import { startSlackTokenCheck, type SlackTokenState } from './token-check.ts';

export interface SlackBot {
  /** The `/slack` sub-app for the web server (null in Socket Mode, which needs no inbound HTTP). */
  readonly routes: Hono | null;
  /** Resolves when every Slack request received so far has been fully handled. */
  settled(): Promise<void>;
  /** The staff-alert subscription, posting each business's alerts to its own alerts channel. */
  readonly alerts: Subscription;
  /** What the background check last learnt about the bot token (for the operators' status). */
  tokenState(): SlackTokenState;
  stop(): Promise<void>;
}

export interface SlackBotOptions {
  readonly logger: Logger;
  readonly alertsPollIntervalMs?: number;
  /** More listeners, registered after Latchkey's own (they read the business with `businessIdOf`). */
  readonly registerListeners?: (bolt: App) => void;
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
  const clientOptions = settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {};
  const tokenCheck =
    settings.botToken !== null && settings.teamId !== null
      ? startSlackTokenCheck({ botToken: settings.botToken, teamId: settings.teamId, apiUrl: settings.apiUrl, logger })
      : null;
  const oauth = settings.oauth ? openSlackOAuth(app, settings.oauth, settings.apiUrl, logger) : null;
  const bolt = new App({
    // Our own authorize instead of `token`: Bolt would otherwise call auth.test while it is built and
    // hold every request on the answer, and a refused token would reject with nobody listening.
    // The bot's ids come from the background check once it has them. It also names the business.
    authorize: authorizeByWorkspace({
      settings,
      installations: oauth?.installations ?? null,
      singleWorkspaceBot: () => {
        const state = tokenCheck?.state();
        return state?.status === 'verified' ? { botId: state.botId, botUserId: state.botUserId } : null;
      },
    }),
    ...(receiver ? { receiver } : { socketMode: true, appToken: requireSetting(settings.appToken, 'SLACK_APP_TOKEN') }),
    logger: boltLogger(logger),
    convoStore: false,
    clientOptions,
    // Socket Mode opens its websocket with a Web API client of its own: the same API address.
    ...(settings.socketMode && settings.apiUrl ? { installerOptions: { clientOptions } } : {}),
  });
  const staffOf = slackStaffOf(
    (businessId) => app.deps.readModels.businesses.getBusiness(businessId)?.settings ?? null,
    settings,
  );
  bolt.error(async (error) => {
    // A workspace that is not installed (or whose token cannot be read) is refused by authorize.
    if (error.code === ErrorCode.AuthorizationError)
      logger.warn({ reason: error.message }, 'refused a Slack request from a workspace with no usable installation');
    else logger.error({ err: error }, 'a Slack listener failed');
  });
  const services: SlackServices = {
    deps: app.deps,
    settings,
    logger,
    bulkRuns: createBulkRuns(),
    timeZone: app.config.businessTimeZone,
  };
  bolt.use(
    handleUninstallEvents({
      deps: app.deps,
      installations: oauth?.installations ?? null,
      singleTeamId: settings.teamId,
      logger,
    }),
  );
  bolt.use(
    refuseSuspendedBusiness({
      isSuspended: (businessId) => app.deps.readModels.businesses.getBusiness(businessId)?.suspended ?? false,
      logger,
    }),
  );
  bolt.use(authorizeStaff({ settings, staffOf, store: app.deps.store, clock: app.deps.clock, logger }));
  registerCommands(bolt, services);
  registerActions(bolt, services);
  registerViews(bolt, services);
  registerEvents(bolt, services);
  options.registerListeners?.(bolt);
  if (receiver) await bolt.start();
  else startSocketModeInBackground(bolt, logger);

  // Alerts are posted outside any request, so each needs a client that carries its workspace's token.
  const alerts = await startStaffAlerts({
    deps: app.deps,
    targetOf: alertTargets({
      staffOf,
      singleWorkspaceToken: settings.botToken,
      installedToken: (businessId) => oauth?.installations.botTokenOfBusiness(businessId) ?? null,
      apiUrl: settings.apiUrl,
      logger,
    }),
    dataDir: app.config.dataDir,
    logger,
    ...(options.alertsPollIntervalMs ? { pollIntervalMs: options.alertsPollIntervalMs } : {}),
  });
  logger.info({ mode: settings.socketMode ? 'socket' : 'http', oauth: oauth !== null }, 'Slack bot started');
  const routes = receiver?.routes() ?? null;
  if (routes && oauth) routes.route('/', oauth.routes);
  return {
    routes,
    settled: () => receiver?.settled() ?? Promise.resolve(),
    alerts,
    tokenState: () => tokenCheck?.state() ?? { status: 'per_workspace' },
    async stop() {
      tokenCheck?.stop();
      await alerts.stop();
      await bolt.stop().catch(() => undefined);
      oauth?.close();
    },
  };
}

/** A Socket Mode connection that cannot be opened is retried with backoff; it never stops `serve`. */
function startSocketModeInBackground(bolt: App, logger: Logger): void {
  const delaysMs = [2_000, 10_000, 30_000, 60_000, 300_000];
  let failures = 0;
  const attempt = () => {
    bolt.start().then(
      () => {
        if (failures > 0) logger.info('Slack Socket Mode connected');
        failures = 0;
      },
      (error: unknown) => {
        if (failures === 0)
          logger.warn(
            { reason: error instanceof Error ? error.message : String(error) },
            'Slack Socket Mode cannot connect: retrying in the background; the client site keeps serving',
          );
        failures += 1;
        setTimeout(attempt, delaysMs[Math.min(failures, delaysMs.length) - 1]).unref();
      },
    );
  };
  attempt();
}

function requireSetting(value: string | null, name: string): string {
  if (value === null) throw new Error(`${name} is required here; config validation should have said so`);
  return value;
}
