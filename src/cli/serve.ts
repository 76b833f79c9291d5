import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openApp } from '../app/context.ts';
import { createHttpApp } from '../http/app.ts';
import { startHttpServer } from '../http/server.ts';
import { createLogger } from '../logger.ts';
import { openMailTransport } from '../mail/open-transport.ts';
import { startMailRelay } from '../mail/relay.ts';
import { startSlackBot } from '../slack/bot.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the client login site (and Slack and webhooks when configured) until stopped')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const app = await openApp(config, { logger });
      if (!config.businessTimeZoneSet)
        logger.warn(
          { businessTimeZone: config.businessTimeZone },
          'BUSINESS_TIME_ZONE is not set: emails show times in UTC. Set it to the business time zone, like Europe/London.',
        );
      const relay = config.mail.relayEnabled ? startMailRelay(app, openMailTransport(config), { logger }) : null;
      logger.info(
        { transport: config.mail.transport, relay: relay !== null, devOutbox: config.devMode ? '/dev/outbox' : null },
        'mail',
      );
      const slack = config.slack ? await startSlackBot(app, config.slack, { logger }) : null;
      const http = createHttpApp(app, { logger, ...(slack?.routes ? { slack: slack.routes } : {}) });
      const server = await startHttpServer(http, { port: config.port, host: config.host });
      logger.info(
        { url: server.url, publicOrigin: config.publicOrigin, store: config.store.split(':')[0] },
        'Latchkey is serving',
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      logger.info('shutting down');
      await server.close();
      await slack?.stop();
      await relay?.stop();
      await app.close();
    });
}
