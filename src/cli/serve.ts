import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openApp } from '../app/context.ts';
import { createHttpApp } from '../http/app.ts';
import { startHttpServer } from '../http/server.ts';
import { createLogger } from '../logger.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the client login site (and Slack and webhooks when configured) until stopped')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const app = await openApp(config, { logger });
      const http = createHttpApp(app, { logger });
      const server = await startHttpServer(http, { port: config.port, host: config.host });
      logger.info({ url: server.url, publicOrigin: config.publicOrigin, store: config.store.split(':')[0] }, 'Latchkey is serving');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      logger.info('shutting down');
      await server.close();
      await app.close();
    });
}
