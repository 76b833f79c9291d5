import type { App } from '@slack/bolt';
import { perBusiness, type SlackServices } from '../../services.ts';
import { clientsCommand } from './clients-command.ts';

export function register(app: App, services: SlackServices): void {
  app.command(services.settings.command, perBusiness(services, clientsCommand));
}
