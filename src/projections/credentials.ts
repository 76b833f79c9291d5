import type Database from 'better-sqlite3';
import { endsSessions, type CredentialEvent, type TempPasswordBurnReason } from '../domain/credential/events.ts';
import { businessOf, isEventOfStream, type Recorded } from '../domain/events.ts';
import type { Projection } from './projection.ts';

export type TempOutcome = 'consumed' | `burned_${TempPasswordBurnReason}` | 'withdrawn_not_shown';
export type EmailState = 'requested' | 'sent' | 'delivered' | 'failed' | 'bounced' | 'complained' | 'skipped';

/** What staff may see about a login. It has no field that could hold a hash or a secret. */
export interface CredentialView {
  readonly clientId: string;
  readonly userName: string;
  readonly disabled: boolean;
  readonly hasPassword: boolean;
  readonly mustChoosePassword: boolean;
  readonly tempExpiresAt: string | null;
  readonly tempOutcome: TempOutcome | null;
  readonly tempOutcomeAt: string | null;
  readonly resetExpiresAt: string | null;
  readonly sessionVersion: number;
  readonly lastLoginAt: string | null;
  readonly lastEmailAt: string | null;
  readonly lastEmailState: EmailState | null;
  readonly consecutiveFailures: number;
  readonly lastFailureAt: string | null;
}

interface CredentialRow {
  client_id: string;
  user_name: string;
  disabled: number;
  has_password: number;
  must_choose: number;
  temp_expires_at: string | null;
  temp_outcome: TempOutcome | null;
  temp_outcome_at: string | null;
  reset_token_id: string | null;
  reset_expires_at: string | null;
  session_version: number;
  last_login_at: string | null;
  last_email_at: string | null;
  last_email_state: EmailState | null;
  consecutive_failures: number;
  last_failure_at: string | null;
}

export const credentialsProjection: Projection = {
  name: 'credentials',
  schema: `
    CREATE TABLE IF NOT EXISTS credentials (
      business_id          TEXT NOT NULL,
      client_id            TEXT NOT NULL,
      user_name            TEXT NOT NULL,
      disabled             INTEGER NOT NULL DEFAULT 0,
      has_password         INTEGER NOT NULL DEFAULT 0,
      must_choose          INTEGER NOT NULL DEFAULT 0,
      temp_expires_at      TEXT,
      temp_outcome         TEXT,
      temp_outcome_at      TEXT,
      reset_token_id       TEXT,
      reset_expires_at     TEXT,
      session_version      INTEGER NOT NULL DEFAULT 0,
      last_login_at        TEXT,
      last_email_at        TEXT,
      last_email_state     TEXT,
      consecutive_failures INTEGER NOT NULL DEFAULT 0,
      last_failure_at      TEXT,
      PRIMARY KEY (business_id, client_id),
      UNIQUE (business_id, user_name),
      UNIQUE (business_id, reset_token_id)
    );`,
  tables: [{ name: 'credentials', orderBy: 'business_id, client_id' }],
  bind(db) {
    const insert = db.prepare('INSERT INTO credentials (business_id, client_id, user_name) VALUES (?, ?, ?)');
    const set = (assignments: string) => {
      const statement = db.prepare(
        `UPDATE credentials SET ${assignments} WHERE business_id = @businessId AND client_id = @clientId`,
      );
      return { run: (params: Record<string, unknown>) => statement.run({ businessId: scope.businessId, ...params }) };
    };
    // The business of the event being applied, read by every update above.
    const scope = { businessId: '' };
    const updates = {
      rename: set('user_name = @to'),
      tempIssued: set('temp_expires_at = @expiresAt, temp_outcome = NULL, temp_outcome_at = NULL'),
      tempEnded: set('temp_expires_at = NULL, temp_outcome = @outcome, temp_outcome_at = @at'),
      mustChoose: set('must_choose = 1'),
      passwordSet: set('has_password = 1, reset_token_id = NULL, reset_expires_at = NULL'),
      resetCompleted: set('has_password = 1, reset_token_id = NULL, reset_expires_at = NULL, consecutive_failures = 0'),
      succeeded: set('last_login_at = @at, consecutive_failures = 0, last_failure_at = NULL'),
      loggedIn: set('last_login_at = @at'),
      failed: set('consecutive_failures = consecutive_failures + 1, last_failure_at = @at'),
      resetLink: set('reset_token_id = @tokenId, reset_expires_at = @expiresAt'),
      disabled: set('disabled = 1'),
      enabled: set('disabled = 0'),
      sessionsEnded: set('must_choose = 0, session_version = session_version + 1'),
      emailRequested: set(`last_email_at = @at, last_email_state = 'requested'`),
    };
    const apply = (event: Recorded<CredentialEvent>): void => {
      const at = event.metadata.at;
      const clientId = event.data.clientId;
      switch (event.type) {
        case 'LoginAssigned':
          return void insert.run(scope.businessId, clientId, event.data.userName);
        case 'LoginRenamed':
          return void updates.rename.run({ clientId, to: event.data.to });
        case 'TempPasswordIssued':
          return void updates.tempIssued.run({ clientId, expiresAt: event.data.expiresAt });
        case 'TempPasswordConsumed':
          updates.tempEnded.run({ clientId, outcome: 'consumed', at });
          return void updates.mustChoose.run({ clientId });
        case 'TempPasswordBurned':
          return void updates.tempEnded.run({ clientId, outcome: `burned_${event.data.reason}`, at });
        case 'TempPasswordWithdrawn':
          return event.data.restored
            ? void updates.tempIssued.run({ clientId, expiresAt: event.data.restored.expiresAt })
            : void updates.tempEnded.run({ clientId, outcome: 'withdrawn_not_shown', at });
        case 'PermanentPasswordChosen':
        case 'PasswordChanged':
          return void updates.passwordSet.run({ clientId });
        case 'PasswordResetCompleted':
          return void updates.resetCompleted.run({ clientId });
        case 'LoginSucceeded':
          // As the decider counts: a login from a known device leaves the strangers' count as it was.
          return event.data.knownDevice
            ? void updates.loggedIn.run({ clientId, at })
            : void updates.succeeded.run({ clientId, at });
        case 'LoginFailed':
          // A known device's wrong tries count against that device, not the account.
          return event.data.reason === 'throttled' || event.data.deviceFingerprint !== undefined
            ? undefined
            : void updates.failed.run({ clientId, at });
        case 'PasswordResetLinkIssued':
          return void updates.resetLink.run({ clientId, tokenId: event.data.tokenId, expiresAt: event.data.expiresAt });
        case 'LoginDisabled':
          return void updates.disabled.run({ clientId });
        case 'LoginEnabled':
          return void updates.enabled.run({ clientId });
        case 'CredentialsEmailRequested':
          return void updates.emailRequested.run({ clientId, at });
        case 'PasswordRehashed':
        case 'PasswordResetRequested':
        case 'SessionsRevoked':
        case 'SessionEnded':
        case 'UserNameReminderRequested':
        case 'NewSignInNoticeRequested':
          return undefined;
        default: {
          const _exhaustive: never = event;
          return _exhaustive;
        }
      }
    };
    return (event) => {
      if (!isEventOfStream(event, 'credential')) return;
      scope.businessId = businessOf(event);
      apply(event);
      if (endsSessions[event.type]) updates.sessionsEnded.run({ clientId: event.data.clientId });
    };
  },
};

function toView(row: CredentialRow): CredentialView {
  return {
    clientId: row.client_id,
    userName: row.user_name,
    disabled: row.disabled === 1,
    hasPassword: row.has_password === 1,
    mustChoosePassword: row.must_choose === 1,
    tempExpiresAt: row.temp_expires_at,
    tempOutcome: row.temp_outcome,
    tempOutcomeAt: row.temp_outcome_at,
    resetExpiresAt: row.reset_expires_at,
    sessionVersion: row.session_version,
    lastLoginAt: row.last_login_at,
    lastEmailAt: row.last_email_at,
    lastEmailState: row.last_email_state,
    consecutiveFailures: row.consecutive_failures,
    lastFailureAt: row.last_failure_at,
  };
}

/** One business's logins: a user name or reset link of another business is not found here. */
export function createCredentialQueries(db: Database.Database, businessId: string) {
  const byClient = db.prepare('SELECT * FROM credentials WHERE business_id = ? AND client_id = ?');
  const byUserName = db.prepare('SELECT client_id FROM credentials WHERE business_id = ? AND user_name = ?');
  const byResetToken = db.prepare('SELECT client_id FROM credentials WHERE business_id = ? AND reset_token_id = ?');
  const clientsWithoutLogin = db.prepare(`SELECT c.client_id, c.email FROM clients c
    LEFT JOIN credentials k ON k.business_id = c.business_id AND k.client_id = c.client_id
    WHERE c.business_id = ? AND k.client_id IS NULL AND c.archived = 0 ORDER BY c.client_id`);
  const all = db.prepare('SELECT * FROM credentials WHERE business_id = ? ORDER BY client_id');
  return {
    getCredential: (clientId: string): CredentialView | null => {
      const row = byClient.get(businessId, clientId) as CredentialRow | undefined;
      return row ? toView(row) : null;
    },
    findClientIdByUserName: (userName: string): string | null =>
      (byUserName.get(businessId, userName) as { client_id: string } | undefined)?.client_id ?? null,
    findClientIdByResetToken: (tokenId: string): string | null =>
      (byResetToken.get(businessId, tokenId) as { client_id: string } | undefined)?.client_id ?? null,
    listClientsWithoutLogin: (): { clientId: string; email: string | null }[] =>
      (clientsWithoutLogin.all(businessId) as { client_id: string; email: string | null }[]).map((r) => ({
        clientId: r.client_id,
        email: r.email,
      })),
    listCredentials: (): CredentialView[] => (all.all(businessId) as CredentialRow[]).map(toView),
  };
}

export type CredentialQueries = ReturnType<typeof createCredentialQueries>;
