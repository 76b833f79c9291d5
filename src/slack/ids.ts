/** The action ids and view callback ids that tie Block Kit elements to their listeners. */
export const actionIds = {
  openLoginEditor: 'login_editor_open',
  checkUserName: 'login_editor_user_name',
  issueTempPassword: 'temp_password_issue',
  emailCredentials: 'credentials_email',
  disableLogin: 'login_disable',
  enableLogin: 'login_enable',
  revokeSessions: 'sessions_revoke',
  showHistory: 'client_history',
  startProvisioning: 'provision_start',
  startEmailAlert: 'email_alert_start',
  resendCredentialsAnyway: 'credentials_resend_anyway',
  openEmailEditor: 'email_editor_open',
  openEmailAlertPicker: 'email_alert_pick',
  searchClients: 'home_search',
  openProvisioning: 'home_provision',
  openEmailAlerts: 'home_email_alerts',
} as const;

/**
 * Slack refuses two elements with one action_id in a block, or in a view (the Home tab), so an
 * element that appears more than once carries `<base>:<key>`, and its listener matches the base.
 */
export const keyedActionId = (base: string, key: string): string => `${base}:${key}`.slice(0, 255);
export const matchActionId = (base: string): RegExp => new RegExp(`^${base}(:.*)?$`);

export const viewIds = {
  loginEditor: 'login_editor',
  emailEditor: 'email_editor',
  emailAlertPicker: 'email_alert_picker',
  search: 'client_search',
} as const;

/** Input blocks of the email editor, the Email Alerts picker and the search modal. */
export const emailEditorBlocks = { email: 'email', resend: 'resend' } as const;
export const pickerBlocks = { clientIds: 'client_ids' } as const;
export const searchBlocks = { text: 'search_text' } as const;

/** Input blocks of the System Login Editor; inline errors are keyed by these. */
export const loginEditorBlocks = {
  userName: 'user_name',
  active: 'active',
  emailNow: 'email_now',
  availability: 'availability',
} as const;
