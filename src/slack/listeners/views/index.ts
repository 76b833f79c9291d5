import type { App } from '@slack/bolt';
import { viewIds } from '../../ids.ts';
import type { SlackServices } from '../../services.ts';
import { emailEditorSubmitted } from './email-editor-submitted.ts';
import { loginEditorSubmitted } from './login-editor-submitted.ts';

export function register(app: App, services: SlackServices): void {
  app.view(viewIds.loginEditor, loginEditorSubmitted(services));
  app.view(viewIds.emailEditor, emailEditorSubmitted(services));
}
