import type { App } from '@slack/bolt';
import { actionIds, matchActionId } from '../../ids.ts';
import type { SlackServices } from '../../services.ts';
import { checkUserNameAction } from './check-user-name.ts';
import { disableLoginAction } from './disable-login.ts';
import { emailCredentialsAction } from './email-credentials.ts';
import { enableLoginAction } from './enable-login.ts';
import { issueTempPasswordAction } from './issue-temp-password.ts';
import {
  openEmailAlertPickerAction,
  openEmailAlertsAction,
  openProvisioningAction,
  openSearchAction,
} from './home-actions.ts';
import { openEmailEditorAction } from './open-email-editor.ts';
import { openLoginEditorAction } from './open-login-editor.ts';
import { revokeSessionsAction } from './revoke-sessions.ts';
import { showHistoryAction } from './show-history.ts';
import { resendCredentialsAnywayAction } from './resend-credentials-anyway.ts';
import { startEmailAlertAction } from './start-email-alert.ts';
import { startProvisioningAction } from './start-provisioning.ts';

export function register(app: App, services: SlackServices): void {
  app.action(matchActionId(actionIds.openLoginEditor), openLoginEditorAction(services));
  app.action(actionIds.checkUserName, checkUserNameAction(services));
  app.action(matchActionId(actionIds.issueTempPassword), issueTempPasswordAction(services));
  app.action(matchActionId(actionIds.emailCredentials), emailCredentialsAction(services));
  app.action(matchActionId(actionIds.disableLogin), disableLoginAction(services));
  app.action(matchActionId(actionIds.enableLogin), enableLoginAction(services));
  app.action(matchActionId(actionIds.revokeSessions), revokeSessionsAction(services));
  app.action(matchActionId(actionIds.showHistory), showHistoryAction(services));
  app.action(matchActionId(actionIds.startProvisioning), startProvisioningAction(services));
  app.action(matchActionId(actionIds.startEmailAlert), startEmailAlertAction(services));
  app.action(actionIds.resendCredentialsAnyway, resendCredentialsAnywayAction(services));
  app.action(matchActionId(actionIds.openEmailEditor), openEmailEditorAction(services));
  app.action(actionIds.searchClients, openSearchAction(services));
  app.action(actionIds.openProvisioning, openProvisioningAction(services));
  app.action(actionIds.openEmailAlerts, openEmailAlertsAction(services));
  app.action(actionIds.openEmailAlertPicker, openEmailAlertPickerAction(services));
}
