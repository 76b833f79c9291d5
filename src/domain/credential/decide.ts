import { ok, reject, type Rejection, type Result } from '../result.ts';
import type { CredentialCommand, LoginRules, PasswordMatch } from './commands.ts';
import type { CredentialEvent } from './events.ts';
import type { CredentialState, Login } from './state.ts';
import { isDeviceTrusted, loginThrottledUntil } from './throttle.ts';

export type CredentialRejectionCode =
  'no_login' | 'disabled' | 'not_disabled' | 'no_password_to_choose' | 'same_as_temporary' | 'invalid_reset_link';

export type CredentialDecision = Result<CredentialEvent[], Rejection<CredentialRejectionCode>>;

const noLogin = () => reject('no_login', 'This client has no login yet. Assign a user name first.');
const loginDisabled = () => reject('disabled', 'This login is disabled. Enable it first.');

export function decideCredential(command: CredentialCommand, state: CredentialState): CredentialDecision {
  if (command.type === 'AssignLogin') return decideAssign(command.clientId, command.userName, state);
  if (state.status === 'none') return noLogin();
  const { login } = state;
  const clientId = login.clientId;
  switch (command.type) {
    case 'IssueTempPassword': {
      if (state.status === 'disabled') return loginDisabled();
      const { type: _, ...issued } = command;
      return ok([...supersedeTemp(login), { type: 'TempPasswordIssued', data: { clientId, ...issued } }]);
    }
    case 'WithdrawTempPassword':
      return ok(decideWithdrawTemp(login, command));
    case 'RecordLoginAttempt':
      return ok(decideLoginAttempt(state, command));
    case 'RecordThrottledAttempt':
      return ok([{ type: 'LoginFailed', data: { clientId, reason: 'throttled' } }]);
    case 'ChoosePermanentPassword':
      if (state.status === 'disabled') return loginDisabled();
      if (!login.mustChoose) return reject('no_password_to_choose', 'Your password is already set. Sign in again.');
      if (command.sameAsTemporary) return reject('same_as_temporary', "Your new password can't be the temporary one.");
      return ok([{ type: 'PermanentPasswordChosen', data: { clientId, passwordHash: command.passwordHash } }]);
    case 'ChangePassword':
      if (state.status === 'disabled') return loginDisabled();
      return ok([
        ...burnTemp(login, 'password_set'),
        { type: 'PasswordChanged', data: { clientId, passwordHash: command.passwordHash } },
      ]);
    case 'RequestPasswordReset':
      if (state.status === 'disabled') return loginDisabled();
      if (coolingDown(login.lastResetRequestAt, command)) return ok([]);
      return ok([{ type: 'PasswordResetRequested', data: { clientId, requestId: command.requestId } }]);
    case 'IssueResetLink': {
      if (state.status === 'disabled') return loginDisabled();
      const { type: _, ...link } = command;
      return ok([{ type: 'PasswordResetLinkIssued', data: { clientId, ...link } }]);
    }
    case 'CompleteReset':
      return decideCompleteReset(state, command);
    case 'DisableLogin':
      if (state.status === 'disabled') return ok([]);
      return ok([
        ...burnTemp(login, 'disabled'),
        { type: 'LoginDisabled', data: { clientId, reason: command.reason } },
      ]);
    case 'EnableLogin':
      if (state.status === 'active') return ok([]);
      return ok([{ type: 'LoginEnabled', data: { clientId } }]);
    case 'RevokeSessions':
      return ok([{ type: 'SessionsRevoked', data: { clientId, reason: command.by } }]);
    case 'EndSession':
      return ok([
        {
          type: 'SessionEnded',
          data: { clientId, sessionFingerprint: command.sessionFingerprint, expiresAt: command.expiresAt },
        },
      ]);
    case 'RequestCredentialsEmail': {
      if (state.status === 'disabled') return loginDisabled();
      const batch = command.batchId ? { batchId: command.batchId } : {};
      return ok([{ type: 'CredentialsEmailRequested', data: { clientId, requestId: command.requestId, ...batch } }]);
    }
    case 'RequestUserNameReminder':
      if (state.status === 'disabled') return loginDisabled();
      if (coolingDown(login.lastReminderRequestAt, command)) return ok([]);
      return ok([{ type: 'UserNameReminderRequested', data: { clientId, requestId: command.requestId } }]);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function decideAssign(clientId: string, userName: string, state: CredentialState): CredentialDecision {
  if (state.status === 'none') return ok([{ type: 'LoginAssigned', data: { clientId, userName } }]);
  if (state.login.userName === userName) return ok([]);
  return ok([{ type: 'LoginRenamed', data: { clientId, from: state.login.userName, to: userName } }]);
}

/**
 * Only the pending one can be withdrawn (used or replaced since, it is left as it is); the one it
 * replaced is named for restoring only while it is still remembered and not expired.
 */
function decideWithdrawTemp(
  login: Login,
  command: Extract<CredentialCommand, { type: 'WithdrawTempPassword' }>,
): CredentialEvent[] {
  if (login.temp?.id !== command.tempPasswordId) return [];
  const restorable = login.supersededTemps.find(
    (old) => old.id === command.restoreTempPasswordId && Date.parse(old.expiresAt) > Date.parse(command.now),
  );
  return [
    {
      type: 'TempPasswordWithdrawn',
      data: {
        clientId: login.clientId,
        tempPasswordId: command.tempPasswordId,
        reason: 'not_shown',
        restored: restorable ? { tempPasswordId: restorable.id, expiresAt: restorable.expiresAt } : null,
      },
    },
  ];
}

type LoginFailedEvent = Extract<CredentialEvent, { type: 'LoginFailed' }>;

/**
 * The business's rule: a temporary password works once. A correct one is consumed by the
 * login it opens; a wrong attempt burns it (after `tempPasswordMaxFailures`); an expired one is
 * burned when tried. Every failure looks the same to the client; the reason is for auditors.
 * Decided on the stream as it is at the append, for the secret the attempt was checked against.
 */
function decideLoginAttempt(
  state: Exclude<CredentialState, { status: 'none' }>,
  { check, rules, now, deviceFingerprint, newSignInNotice }: Extract<CredentialCommand, { type: 'RecordLoginAttempt' }>,
): CredentialEvent[] {
  const { login } = state;
  const clientId = login.clientId;
  // A known device's tries count against its own budget, not the account's: a stranger's
  // guesses cannot lock the client out of a browser they signed in on before.
  const device = isDeviceTrusted(login, deviceFingerprint ?? null, rules.throttle) ? deviceFingerprint : undefined;
  const failed = (reason: LoginFailedEvent['data']['reason']): LoginFailedEvent => ({
    type: 'LoginFailed',
    data: { clientId, reason, ...(device ? { deviceFingerprint: device } : {}) },
  });
  if (state.status === 'disabled') return [failed('disabled')];
  // Checked here, on the stream as it is when the append is decided, so attempts sent in
  // parallel cannot all slip in before the first failure is recorded.
  if (!device && loginThrottledUntil(login, rules.throttle, new Date(now))) return [failed('throttled')];
  const succeeded = (method: 'password' | 'temporary'): CredentialEvent => ({
    type: 'LoginSucceeded',
    data: { clientId, method, ...(device ? { knownDevice: true } : {}) },
  });
  const outcomes: AttemptOutcomes = { failed, succeeded };

  const temp = login.temp;
  const tempExpired = temp !== null && Date.parse(temp.expiresAt) <= Date.parse(now);
  if (tempExpired && check.kind !== 'permanent_matched') {
    return [...burnTemp(login, 'expired'), failed('temporary_expired')];
  }
  switch (check.kind) {
    case 'superseded_matched':
      return [failed('temporary_superseded')];
    case 'temporary_matched':
      return decideTemporaryMatch(login, check.tempPasswordId, rules, outcomes);
    case 'permanent_matched':
      return [
        ...decidePermanentMatch(login, check, rules, tempExpired, outcomes),
        // The temporary password's own first login is the client's, just sent the email: no notice.
        ...(newSignInNotice && !device && permanentMatchHolds(login, check, rules, tempExpired)
          ? [{ type: 'NewSignInNoticeRequested', data: { clientId, ...newSignInNotice } } as const]
          : []),
      ];
    case 'no_match': {
      if (!temp && login.passwordHash === null) return [failed('no_password')];
      // A miss is a guess only at the temporary password it was compared with, never at one
      // issued while it was being checked.
      const guessedThisTemp = temp !== null && temp.id === check.checkedTempPasswordId && check.couldBeTemporary;
      return failAttempt(login, rules, failed('wrong_password'), guessedThisTemp);
    }
  }
}

/** How an attempt's outcome is recorded: a known device's fingerprint goes on its failures and successes. */
interface AttemptOutcomes {
  readonly failed: (reason: LoginFailedEvent['data']['reason']) => LoginFailedEvent;
  readonly succeeded: (method: 'password' | 'temporary') => CredentialEvent;
}

/** It opens the login only if the temporary password it matched is still the pending one. */
function decideTemporaryMatch(
  login: Login,
  tempPasswordId: string,
  rules: LoginRules,
  { failed, succeeded }: AttemptOutcomes,
): CredentialEvent[] {
  if (login.temp?.id === tempPasswordId)
    return [
      { type: 'TempPasswordConsumed', data: { clientId: login.clientId, tempPasswordId } },
      succeeded('temporary'),
    ];
  if (login.supersededTemps.some((old) => old.id === tempPasswordId)) return [failed('temporary_superseded')];
  // Used or burned while it was checked: a newer temporary password was never compared with it.
  return failAttempt(login, rules, failed('temporary_burned'), false);
}

/**
 * The client's own password stays a match when only the temporary password changed meanwhile
 * (staff issued one, the relay minted one): that is no guess at the new one and burns nothing.
 */
function decidePermanentMatch(
  login: Login,
  check: Extract<PasswordMatch, { kind: 'permanent_matched' }>,
  rules: LoginRules,
  tempExpired: boolean,
  { failed, succeeded }: AttemptOutcomes,
): CredentialEvent[] {
  const clientId = login.clientId;
  if (!permanentMatchHolds(login, check, rules, tempExpired))
    return failAttempt(login, rules, failed('wrong_password'), false);
  return [
    ...(tempExpired ? burnTemp(login, 'expired') : []),
    ...(check.rehash ? [{ type: 'PasswordRehashed', data: { clientId, passwordHash: check.rehash } } as const] : []),
    succeeded('password'),
  ];
}

function permanentMatchHolds(
  login: Login,
  check: Extract<PasswordMatch, { kind: 'permanent_matched' }>,
  rules: LoginRules,
  tempExpired: boolean,
): boolean {
  // Replaced (changed, reset) while it was checked: the old password opens nothing.
  if (check.passwordVersion !== login.passwordVersion) return false;
  // An expired temporary password is no longer pending: it cannot hold the permanent one back.
  // Refused by the business's setting, but it is the client's own password, not a guess at
  // the temporary one: it does not burn it.
  return !(login.temp && !tempExpired && !rules.permanentWorksWhileTempPending);
}

/**
 * Only a try that could have been the pending temporary password counts against it: a junk
 * string, an empty one, the client's permanent password or a try checked against another
 * temporary password cannot match it, so it is no guess at it.
 */
function failAttempt(
  login: Login,
  rules: LoginRules,
  failure: LoginFailedEvent,
  countsAgainstTemp: boolean,
): CredentialEvent[] {
  const temp = login.temp;
  const burns = temp !== null && countsAgainstTemp && temp.failures + 1 >= rules.tempPasswordMaxFailures;
  const recorded =
    temp === null ? failure : { ...failure, data: { ...failure.data, couldBeTemporary: countsAgainstTemp } };
  return [recorded, ...(burns ? burnTemp(login, 'failed_attempt') : [])];
}

function decideCompleteReset(
  state: Exclude<CredentialState, { status: 'none' }>,
  command: Extract<CredentialCommand, { type: 'CompleteReset' }>,
): CredentialDecision {
  const { login } = state;
  const link = login.reset;
  const valid =
    state.status === 'active' &&
    link !== null &&
    link.tokenId === command.tokenId &&
    command.secretMatches &&
    Date.parse(link.expiresAt) > Date.parse(command.now);
  if (!valid) return reject('invalid_reset_link', 'This link has expired or was already used. Ask for a new one.');
  return ok([
    ...burnTemp(login, 'password_set'),
    {
      type: 'PasswordResetCompleted',
      data: { clientId: login.clientId, tokenId: command.tokenId, passwordHash: command.passwordHash },
    },
  ]);
}

/**
 * Anyone who knows a client's user name and email can ask for mail to be sent to them: one email
 * per cooldown keeps that from becoming a way to flood their inbox. The asker sees the same answer.
 */
function coolingDown(lastRequestAt: string | null, command: { now: string; cooldownSeconds: number }): boolean {
  return lastRequestAt !== null && Date.parse(command.now) - Date.parse(lastRequestAt) < command.cooldownSeconds * 1000;
}

function supersedeTemp(login: Login): CredentialEvent[] {
  return burnTemp(login, 'superseded');
}

function burnTemp(
  login: Login,
  reason: Extract<CredentialEvent, { type: 'TempPasswordBurned' }>['data']['reason'],
): CredentialEvent[] {
  return login.temp
    ? [{ type: 'TempPasswordBurned', data: { clientId: login.clientId, tempPasswordId: login.temp.id, reason } }]
    : [];
}
