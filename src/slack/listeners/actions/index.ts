import type { App } from '@slack/bolt';
import { actionIds, matchActionId } from '../../ids.ts';
import { perBusiness, type SlackServices } from '../../services.ts';
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
  app.action(matchActionId(actionIds.openLoginEditor), perBusiness(services, openLoginEditorAction));
  app.action(actionIds.checkUserName, perBusiness(services, checkUserNameAction));
  app.action(matchActionId(actionIds.issueTempPassword), perBusiness(services, issueTempPasswordAction));
  app.action(matchActionId(actionIds.emailCredentials), perBusiness(services, emailCredentialsAction));
  app.action(matchActionId(actionIds.disableLogin), perBusiness(services, disableLoginAction));
  app.action(matchActionId(actionIds.enableLogin), perBusiness(services, enableLoginAction));
  app.action(matchActionId(actionIds.revokeSessions), perBusiness(services, revokeSessionsAction));
  app.action(matchActionId(actionIds.showHistory), perBusiness(services, showHistoryAction));
  app.action(matchActionId(actionIds.startProvisioning), perBusiness(services, startProvisioningAction));
  app.action(matchActionId(actionIds.startEmailAlert), perBusiness(services, startEmailAlertAction));
  app.action(actionIds.resendCredentialsAnyway, perBusiness(services, resendCredentialsAnywayAction));
  app.action(matchActionId(actionIds.openEmailEditor), perBusiness(services, openEmailEditorAction));
  app.action(actionIds.searchClients, perBusiness(services, openSearchAction));
  app.action(actionIds.openProvisioning, perBusiness(services, openProvisioningAction));
  app.action(actionIds.openEmailAlerts, perBusiness(services, openEmailAlertsAction));
  app.action(actionIds.openEmailAlertPicker, perBusiness(services, openEmailAlertPickerAction));
}
