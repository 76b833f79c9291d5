import type { App } from '@slack/bolt';
import { viewIds } from '../../ids.ts';
import { perBusiness, type SlackServices } from '../../services.ts';
import { emailEditorSubmitted } from './email-editor-submitted.ts';
import { emailAlertPicked } from './email-alert-picked.ts';
import { loginEditorSubmitted } from './login-editor-submitted.ts';
import { searchSubmitted } from './search-submitted.ts';

export function register(app: App, services: SlackServices): void {
  app.view(viewIds.loginEditor, perBusiness(services, loginEditorSubmitted));
  app.view(viewIds.emailEditor, perBusiness(services, emailEditorSubmitted));
  app.view(viewIds.search, perBusiness(services, searchSubmitted));
  app.view(viewIds.emailAlertPicker, perBusiness(services, emailAlertPicked));
}
