import type { App } from '@slack/bolt';
import { perBusiness, type SlackServices } from '../../services.ts';
import { appHomeOpened } from './app-home-opened.ts';

export function register(app: App, services: SlackServices): void {
  app.event('app_home_opened', perBusiness(services, appHomeOpened));
}
