import type { App } from '@slack/bolt';
import { viewIds } from '../../ids.ts';
import type { SlackServices } from '../../services.ts';
import { emailEditorSubmitted } from './email-editor-submitted.ts';
import { emailAlertPicked } from './email-alert-picked.ts';
import { loginEditorSubmitted } from './login-editor-submitted.ts';
import { searchSubmitted } from './search-submitted.ts';

export function register(app: App, services: SlackServices): void {
  app.view(viewIds.loginEditor, loginEditorSubmitted(services));
  app.view(viewIds.emailEditor, emailEditorSubmitted(services));
  app.view(viewIds.search, searchSubmitted(services));
  app.view(viewIds.emailAlertPicker, emailAlertPicked(services));
}
