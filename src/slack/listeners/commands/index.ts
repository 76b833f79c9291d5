import type { App } from '@slack/bolt';
import type { SlackServices } from '../../services.ts';
import { clientsCommand } from './clients-command.ts';

export function register(app: App, services: SlackServices): void {
  app.command(services.settings.command, clientsCommand(services));
}
