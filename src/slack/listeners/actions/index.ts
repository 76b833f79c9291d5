import type { App } from '@slack/bolt';
import { actionIds } from '../../ids.ts';
import type { SlackServices } from '../../services.ts';
import { checkUserNameAction } from './check-user-name.ts';
import { disableLoginAction } from './disable-login.ts';
import { emailCredentialsAction } from './email-credentials.ts';
import { enableLoginAction } from './enable-login.ts';
import { issueTempPasswordAction } from './issue-temp-password.ts';
import { openLoginEditorAction } from './open-login-editor.ts';
import { revokeSessionsAction } from './revoke-sessions.ts';
import { showHistoryAction } from './show-history.ts';
import { startEmailAlertAction } from './start-email-alert.ts';
import { startProvisioningAction } from './start-provisioning.ts';

export function register(app: App, services: SlackServices): void {
  app.action(actionIds.openLoginEditor, openLoginEditorAction(services));
  app.action(actionIds.checkUserName, checkUserNameAction(services));
  app.action(actionIds.issueTempPassword, issueTempPasswordAction(services));
  app.action(actionIds.emailCredentials, emailCredentialsAction(services));
  app.action(actionIds.disableLogin, disableLoginAction(services));
  app.action(actionIds.enableLogin, enableLoginAction(services));
  app.action(actionIds.revokeSessions, revokeSessionsAction(services));
  app.action(actionIds.showHistory, showHistoryAction(services));
  app.action(actionIds.startProvisioning, startProvisioningAction(services));
  app.action(actionIds.startEmailAlert, startEmailAlertAction(services));
}
