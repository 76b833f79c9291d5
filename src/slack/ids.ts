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
} as const;

export const viewIds = { loginEditor: 'login_editor' } as const;

/** Input blocks of the System Login Editor; inline errors are keyed by these. */
export const loginEditorBlocks = {
  userName: 'user_name',
  active: 'active',
  emailNow: 'email_now',
  availability: 'availability',
} as const;
