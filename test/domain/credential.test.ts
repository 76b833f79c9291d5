import { describe, expect, it } from 'vitest';
import type { CredentialCommand, LoginRules } from '../../src/domain/credential/commands.ts';
import { decideCredential } from '../../src/domain/credential/decide.ts';
import type { CredentialEvent } from '../../src/domain/credential/events.ts';
import { evolveCredential, initialCredentialState, type CredentialState } from '../../src/domain/credential/state.ts';
import { loginThrottledUntil, defaultThrottlePolicy } from '../../src/domain/credential/throttle.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const at = '2026-03-03T14:00:00.000Z';
const later = '2026-03-03T15:00:00.000Z';
const afterExpiry = '2026-03-11T14:00:00.000Z';
const clientId = 'C1';
const rules: LoginRules = {
  tempPasswordMaxFailures: 1,
  permanentWorksWhileTempPending: true,
  throttle: defaultThrottlePolicy,
};

const { given } = deciderSpec<CredentialCommand, CredentialEvent, CredentialState>(
  {
    initialState: initialCredentialState,
    evolve: (state, event, metadata) => evolveCredential(state, event, metadata.at),
    decide: decideCredential,
  },
  { at },
);

const assigned: CredentialEvent = { type: 'LoginAssigned', data: { clientId, userName: 'olivia@example.com' } };
const tempIssued = (id = 'T1', expiresAt = '2026-03-10T14:00:00.000Z'): CredentialEvent => ({
  type: 'TempPasswordIssued',
  data: { clientId, tempPasswordId: id, secretHash: `hash-${id}`, expiresAt, delivery: 'email' },
});
const consumed: CredentialEvent = { type: 'TempPasswordConsumed', data: { clientId, tempPasswordId: 'T1' } };
const chosen: CredentialEvent = { type: 'PermanentPasswordChosen', data: { clientId, passwordHash: 'scrypt-1' } };
const attempt = (
  check: Extract<CredentialCommand, { type: 'RecordLoginAttempt' }>['check'],
  now = later,
  r = rules,
  deviceFingerprint?: string,
): CredentialCommand => ({
  type: 'RecordLoginAttempt',
  check,
  rules: r,
  now,
  ...(deviceFingerprint ? { deviceFingerprint } : {}),
});
const failed = (reason: Extract<CredentialEvent, { type: 'LoginFailed' }>['data']['reason']): CredentialEvent => ({
  type: 'LoginFailed',
  data: { clientId, reason },
});
/** A miss checked against T1 (or against nothing, where none was pending). */
const guess = { kind: 'no_match', couldBeTemporary: true, checkedTempPasswordId: 'T1' } as const;
const junk = { kind: 'no_match', couldBeTemporary: false, checkedTempPasswordId: 'T1' } as const;
const tempMatch = (tempPasswordId = 'T1') => ({ kind: 'temporary_matched', tempPasswordId }) as const;
const permanentMatch = (rehash: string | null = null, passwordVersion = 1) =>
  ({ kind: 'permanent_matched', passwordVersion, rehash }) as const;
const failedTry = (couldBeTemporary: boolean): CredentialEvent => ({
  type: 'LoginFailed',
  data: { clientId, reason: 'wrong_password', couldBeTemporary },
});
const burned = (
  reason: Extract<CredentialEvent, { type: 'TempPasswordBurned' }>['data']['reason'],
  id = 'T1',
): CredentialEvent => ({
  type: 'TempPasswordBurned',
  data: { clientId, tempPasswordId: id, reason },
});

describe('a client with no login', () => {
  it('gets one when a user name is assigned', () =>
    given().when({ type: 'AssignLogin', clientId, userName: 'olivia@example.com' }).then([assigned]));
  it('cannot be issued a temporary password', () =>
    given()
      .when({ type: 'IssueTempPassword', tempPasswordId: 'T1', secretHash: 'h', expiresAt: later, delivery: 'email' })
      .thenError('no_login'));
  it('cannot be disabled', () => given().when({ type: 'DisableLogin', reason: null }).thenError('no_login'));
});

describe('a login', () => {
  it('is renamed when assigned another user name', () =>
    given(assigned)
      .when({ type: 'AssignLogin', clientId, userName: 'liv@example.com' })
      .then([{ type: 'LoginRenamed', data: { clientId, from: 'olivia@example.com', to: 'liv@example.com' } }]));
  it('appends nothing when assigned the user name it has', () =>
    given(assigned).when({ type: 'AssignLogin', clientId, userName: 'olivia@example.com' }).then([]));
  it('issuing a temporary password supersedes the pending one', () =>
    given(assigned, tempIssued('T1'))
      .when({
        type: 'IssueTempPassword',
        tempPasswordId: 'T2',
        secretHash: 'hash-T2',
        expiresAt: later,
        delivery: 'shown_to_staff',
      })
      .then([
        burned('superseded'),
        {
          type: 'TempPasswordIssued',
          data: { clientId, tempPasswordId: 'T2', secretHash: 'hash-T2', expiresAt: later, delivery: 'shown_to_staff' },
        },
      ]));
  it('fails a login attempt with no password at all', () =>
    given(assigned)
      .when(attempt(guess))
      .then([failed('no_password')]));
});

describe('a login with a temporary password pending', () => {
  it('a correct temporary password is consumed and signs in', () =>
    given(assigned, tempIssued())
      .when(attempt(tempMatch()))
      .then([consumed, { type: 'LoginSucceeded', data: { clientId, method: 'temporary' } }]));
  it('a mistyped temporary password burns it', () =>
    given(assigned, tempIssued())
      .when(attempt(guess))
      .then([failedTry(true), burned('failed_attempt')]));
  it('a wrong try that could not have been a temporary password fails but does not burn it', () =>
    given(assigned, tempIssued())
      .when(attempt(junk))
      .then([failedTry(false)]));
  it('with three failures allowed, the first mistake does not burn it but the third does', () => {
    const lenient = { ...rules, tempPasswordMaxFailures: 3 };
    given(assigned, tempIssued())
      .when(attempt(guess, later, lenient))
      .then([failedTry(true)]);
    given(assigned, tempIssued(), failed('wrong_password'), failed('wrong_password'))
      .when(attempt(guess, later, lenient))
      .then([failedTry(true), burned('failed_attempt')]);
  });
  it('tries that could not have been a temporary password do not count towards burning it', () => {
    const lenient = { ...rules, tempPasswordMaxFailures: 2 };
    given(assigned, tempIssued(), failedTry(false), failedTry(false), failedTry(false))
      .when(attempt(guess, later, lenient))
      .then([failedTry(true)]);
  });
  it('an expired temporary password is burned when tried, even when typed correctly', () =>
    given(assigned, tempIssued())
      .when(attempt(tempMatch(), afterExpiry))
      .then([burned('expired'), failed('temporary_expired')]));
  it('expires exactly at its expiry instant', () =>
    given(assigned, tempIssued())
      .when(attempt(tempMatch(), '2026-03-10T14:00:00.000Z'))
      .then([burned('expired'), failed('temporary_expired')]));
  it('still works one millisecond before expiry', () =>
    given(assigned, tempIssued())
      .when(attempt(tempMatch(), '2026-03-10T13:59:59.999Z'))
      .then([consumed, { type: 'LoginSucceeded', data: { clientId, method: 'temporary' } }]));
  it('an existing permanent password keeps working by default', () =>
    given(assigned, tempIssued(), consumed, chosen, tempIssued('T2'))
      .when(attempt(permanentMatch()))
      .then([{ type: 'LoginSucceeded', data: { clientId, method: 'password' } }]));
  it('an existing permanent password is refused when configured so, and does not burn the temporary one', () =>
    given(assigned, tempIssued(), consumed, chosen, tempIssued('T2'))
      .when(
        attempt(permanentMatch(), later, {
          ...rules,
          permanentWorksWhileTempPending: false,
        }),
      )
      .then([failedTry(false)]));
  it('a burned temporary password that is typed again fails as burned', () =>
    given(assigned, tempIssued(), failed('wrong_password'), burned('failed_attempt'))
      .when(attempt(tempMatch()))
      .then([failed('temporary_burned')]));
});

describe('a client signed in with the temporary password', () => {
  const state = [assigned, tempIssued(), consumed] as const;
  it('chooses a permanent password', () =>
    given(...state)
      .when({ type: 'ChoosePermanentPassword', passwordHash: 'scrypt-1', sameAsTemporary: false })
      .then([chosen]));
  it('may not choose the temporary password again', () =>
    given(...state)
      .when({ type: 'ChoosePermanentPassword', passwordHash: 'x', sameAsTemporary: true })
      .thenError('same_as_temporary'));
  it('cannot choose twice', () =>
    given(...state, chosen)
      .when({ type: 'ChoosePermanentPassword', passwordHash: 'x', sameAsTemporary: false })
      .thenError('no_password_to_choose'));
  it('choosing a password ends every earlier session', () => {
    expect(given(...state, chosen).state).toMatchObject({
      status: 'active',
      login: { sessionVersion: 1, mustChoose: null },
    });
  });
});

describe('an active login with a permanent password', () => {
  const state = [assigned, tempIssued(), consumed, chosen] as const;
  it('a rehash on login is recorded before the success', () =>
    given(...state)
      .when(attempt(permanentMatch('scrypt-2')))
      .then([
        { type: 'PasswordRehashed', data: { clientId, passwordHash: 'scrypt-2' } },
        { type: 'LoginSucceeded', data: { clientId, method: 'password' } },
      ]));
  it('a wrong password is a failure that counts', () => {
    given(...state)
      .when(attempt(guess))
      .then([failed('wrong_password')]);
    const after = given(...state, failed('wrong_password'), failed('wrong_password')).state;
    expect(after).toMatchObject({ login: { consecutiveFailures: 2 } });
  });
  it('an attempt decided inside the backoff is throttled, even with the right password', () => {
    const fiveFailures = Array.from({ length: 5 }, () => failed('wrong_password'));
    given(...state, ...fiveFailures)
      .when(attempt(permanentMatch(), '2026-03-03T14:00:01.000Z'))
      .then([failed('throttled')]);
    given(...state, ...fiveFailures)
      .when(attempt(permanentMatch(), '2026-03-03T14:00:02.000Z'))
      .then([{ type: 'LoginSucceeded', data: { clientId, method: 'password' } }]);
  });
  it('inside the backoff, a known device still gets in, and its success leaves the account count as it was', () => {
    const fiveFailures = Array.from({ length: 5 }, () => failed('wrong_password'));
    const fromDevice = attempt(permanentMatch(), at, rules, 'D1');
    const success: CredentialEvent = {
      type: 'LoginSucceeded',
      data: { clientId, method: 'password', knownDevice: true },
    };
    given(...state, ...fiveFailures)
      .when(fromDevice)
      .then([success]);
    expect(given(...state, ...fiveFailures, success).state).toMatchObject({ login: { consecutiveFailures: 5 } });
  });
  it("a known device's wrong tries count against its own budget; once spent, the backoff applies to it too", () => {
    const fiveFailures = Array.from({ length: 5 }, () => failed('wrong_password'));
    const deviceFailure: CredentialEvent = {
      type: 'LoginFailed',
      data: { clientId, reason: 'wrong_password', deviceFingerprint: 'D1' },
    };
    const devicePassword = attempt(permanentMatch(), at, rules, 'D1');
    given(...state, ...fiveFailures)
      .when(attempt(guess, at, rules, 'D1'))
      .then([deviceFailure]);
    const fourMistakes = Array.from({ length: 4 }, () => deviceFailure);
    expect(given(...state, ...fourMistakes).state).toMatchObject({
      login: { consecutiveFailures: 0, deviceFailures: { D1: 4 } },
    });
    given(...state, ...fiveFailures, ...fourMistakes)
      .when(devicePassword)
      .then([{ type: 'LoginSucceeded', data: { clientId, method: 'password', knownDevice: true } }]);
    given(...state, ...fiveFailures, ...fourMistakes, deviceFailure)
      .when(devicePassword)
      .then([failed('throttled')]);
  });
  it('throttled attempts are recorded but do not count', () => {
    given(...state)
      .when({ type: 'RecordThrottledAttempt' })
      .then([failed('throttled')]);
    expect(given(...state, failed('wrong_password'), failed('throttled')).state).toMatchObject({
      login: { consecutiveFailures: 1 },
    });
  });
  it('changing the password burns a pending temporary password and ends sessions', () => {
    given(...state, tempIssued('T2'))
      .when({ type: 'ChangePassword', passwordHash: 'scrypt-3' })
      .then([burned('password_set', 'T2'), { type: 'PasswordChanged', data: { clientId, passwordHash: 'scrypt-3' } }]);
  });
  it('log out everywhere bumps the session version', () => {
    given(...state)
      .when({ type: 'RevokeSessions', by: 'client' })
      .then([{ type: 'SessionsRevoked', data: { clientId, reason: 'client' } }]);
    expect(given(...state, { type: 'SessionsRevoked', data: { clientId, reason: 'client' } }).state).toMatchObject({
      login: { sessionVersion: 2 },
    });
  });
});

describe('password reset', () => {
  const link: CredentialEvent = {
    type: 'PasswordResetLinkIssued',
    data: { clientId, tokenId: 'K1', secretHash: 'hash-K1', expiresAt: '2026-03-03T15:00:00.000Z', requestId: 'R1' },
  };
  const complete = (over: Partial<Extract<CredentialCommand, { type: 'CompleteReset' }>> = {}): CredentialCommand => ({
    type: 'CompleteReset',
    tokenId: 'K1',
    secretMatches: true,
    passwordHash: 'scrypt-r',
    now: '2026-03-03T14:30:00.000Z',
    ...over,
  });
  it('a valid link sets the password', () =>
    given(assigned, link)
      .when(complete())
      .then([{ type: 'PasswordResetCompleted', data: { clientId, tokenId: 'K1', passwordHash: 'scrypt-r' } }]));
  it('a used link cannot be used again', () =>
    given(assigned, link, { type: 'PasswordResetCompleted', data: { clientId, tokenId: 'K1', passwordHash: 'p' } })
      .when(complete())
      .thenError('invalid_reset_link'));
  it('an expired link is refused', () =>
    given(assigned, link)
      .when(complete({ now: '2026-03-03T15:00:00.000Z' }))
      .thenError('invalid_reset_link'));
  it('a wrong secret is refused', () =>
    given(assigned, link)
      .when(complete({ secretMatches: false }))
      .thenError('invalid_reset_link'));
  it('a superseded link is refused', () =>
    given(assigned, link, { ...link, data: { ...link.data, tokenId: 'K2' } } as CredentialEvent)
      .when(complete())
      .thenError('invalid_reset_link'));
  it('a disabled login cannot be reset', () =>
    given(assigned, link, { type: 'LoginDisabled', data: { clientId, reason: null } })
      .when(complete())
      .thenError('invalid_reset_link'));
});

describe('mail a client may ask for', () => {
  const resetRequested: CredentialEvent = { type: 'PasswordResetRequested', data: { clientId, requestId: 'R1' } };
  const ask = (now: string): CredentialCommand => ({
    type: 'RequestPasswordReset',
    requestId: 'R2',
    now,
    cooldownSeconds: 120,
  });
  it('a second reset request within the cooldown sends nothing more', () =>
    given(assigned, resetRequested).when(ask('2026-03-03T14:01:59.000Z')).then([]));
  it('a reset request after the cooldown is recorded', () =>
    given(assigned, resetRequested)
      .when(ask('2026-03-03T14:02:00.000Z'))
      .then([{ type: 'PasswordResetRequested', data: { clientId, requestId: 'R2' } }]));
  it('user-name reminders have their own cooldown', () => {
    const remind: CredentialCommand = {
      type: 'RequestUserNameReminder',
      requestId: 'U1',
      now: '2026-03-03T14:00:30.000Z',
      cooldownSeconds: 120,
    };
    given(assigned, resetRequested)
      .when(remind)
      .then([{ type: 'UserNameReminderRequested', data: { clientId, requestId: 'U1' } }]);
    given(assigned, { type: 'UserNameReminderRequested', data: { clientId, requestId: 'U0' } })
      .when(remind)
      .then([]);
  });
});

describe('a disabled login', () => {
  const disabled: CredentialEvent = { type: 'LoginDisabled', data: { clientId, reason: 'moved away' } };
  it('disabling burns the pending temporary password', () =>
    given(assigned, tempIssued())
      .when({ type: 'DisableLogin', reason: 'moved away' })
      .then([burned('disabled'), disabled]));
  it('refuses every login, even a correct password', () =>
    given(assigned, tempIssued(), consumed, chosen, disabled)
      .when(attempt(permanentMatch()))
      .then([failed('disabled')]));
  it('cannot be issued a temporary password or emailed credentials', () => {
    given(assigned, disabled)
      .when({ type: 'IssueTempPassword', tempPasswordId: 'T', secretHash: 'h', expiresAt: later, delivery: 'email' })
      .thenError('disabled');
    given(assigned, disabled).when({ type: 'RequestCredentialsEmail', requestId: 'R' }).thenError('disabled');
  });
  it('is enabled again, and enabling twice appends nothing', () => {
    given(assigned, disabled)
      .when({ type: 'EnableLogin' })
      .then([{ type: 'LoginEnabled', data: { clientId } }]);
    given(assigned).when({ type: 'EnableLogin' }).then([]);
  });
});

describe('throttling', () => {
  const login = (failures: number, lastFailureAt: string | null) =>
    ({ ...(given(assigned).state as { login: object }).login, consecutiveFailures: failures, lastFailureAt }) as never;
  const now = new Date('2026-03-03T14:00:10.000Z');
  it('lets the first failures through without delay', () =>
    expect(loginThrottledUntil(login(4, '2026-03-03T14:00:09.000Z'), defaultThrottlePolicy, now)).toBeNull());
  it('backs off after the free failures, doubling', () => {
    expect(loginThrottledUntil(login(5, '2026-03-03T14:00:09.000Z'), defaultThrottlePolicy, now)).toEqual(
      new Date('2026-03-03T14:00:11.000Z'),
    );
    expect(loginThrottledUntil(login(7, '2026-03-03T14:00:09.000Z'), defaultThrottlePolicy, now)).toEqual(
      new Date('2026-03-03T14:00:17.000Z'),
    );
  });
  it('never locks for longer than the maximum delay', () => {
    expect(loginThrottledUntil(login(60, '2026-03-03T14:00:09.000Z'), defaultThrottlePolicy, now)).toEqual(
      new Date('2026-03-03T14:15:09.000Z'),
    );
  });
});

describe('a login whose credentials email was sent again', () => {
  const resent = [assigned, tempIssued('T1'), burned('superseded', 'T1'), tempIssued('T2')] as const;

  it('remembers the replaced password by id and hash until it would have expired', () => {
    const { state } = given(...resent);
    expect(state.status === 'active' && state.login.supersededTemps).toEqual([
      { id: 'T1', secretHash: 'hash-T1', expiresAt: '2026-03-10T14:00:00.000Z', supersededAt: at, failures: 0 },
    ]);
  });

  it("an attempt with the older email's password fails without burning the newer one", () =>
    given(...resent)
      .when(attempt({ kind: 'superseded_matched', tempPasswordId: 'T1' }))
      .then([failed('temporary_superseded')]));

  it('such an attempt is not counted: the newer password still works after it', () => {
    const { state } = given(...resent, failed('temporary_superseded'));
    expect(state.status === 'active' && [state.login.temp?.failures, state.login.consecutiveFailures]).toEqual([0, 0]);
  });

  it('forgets the replaced passwords once the newer one is used', () => {
    const { state } = given(...resent, { type: 'TempPasswordConsumed', data: { clientId, tempPasswordId: 'T2' } });
    expect(state.status === 'active' && state.login.supersededTemps).toEqual([]);
  });
});

describe('commands every login answers', () => {
  const active = [assigned, tempIssued(), consumed, chosen] as const;
  it('emailing credentials records the request, with its batch when it has one', () => {
    given(...active)
      .when({ type: 'RequestCredentialsEmail', requestId: 'R9' })
      .then([{ type: 'CredentialsEmailRequested', data: { clientId, requestId: 'R9' } }]);
    given(...active)
      .when({ type: 'RequestCredentialsEmail', requestId: 'R9', batchId: 'B1' })
      .then([{ type: 'CredentialsEmailRequested', data: { clientId, requestId: 'R9', batchId: 'B1' } }]);
  });
  it('issuing a reset link records its hash and expiry, never a token', () =>
    given(...active)
      .when({ type: 'IssueResetLink', tokenId: 'K1', secretHash: 'hash-K1', expiresAt: later, requestId: 'R1' })
      .then([
        {
          type: 'PasswordResetLinkIssued',
          data: { clientId, tokenId: 'K1', secretHash: 'hash-K1', expiresAt: later, requestId: 'R1' },
        },
      ]));
  it('logging out in one browser ends that session by its fingerprint', () =>
    given(...active)
      .when({ type: 'EndSession', sessionFingerprint: 'fp-1', expiresAt: later })
      .then([{ type: 'SessionEnded', data: { clientId, sessionFingerprint: 'fp-1', expiresAt: later } }]));
  it('disabling a disabled login appends nothing', () =>
    given(...active, { type: 'LoginDisabled', data: { clientId, reason: null } })
      .when({ type: 'DisableLogin', reason: 'again' })
      .then([]));
  it('a disabled login can neither change its password nor ask for a reset or a reminder', () => {
    const disabled = [...active, { type: 'LoginDisabled', data: { clientId, reason: null } }] as const;
    given(...disabled)
      .when({ type: 'ChangePassword', passwordHash: 'x' })
      .thenError('disabled', /Enable it first/);
    given(...disabled)
      .when({ type: 'RequestPasswordReset', requestId: 'R', now: later, cooldownSeconds: 120 })
      .thenError('disabled');
    given(...disabled)
      .when({ type: 'RequestUserNameReminder', requestId: 'R', now: later, cooldownSeconds: 120 })
      .thenError('disabled');
  });
  it('a login that never had a password cannot choose one', () =>
    given(assigned)
      .when({ type: 'ChoosePermanentPassword', passwordHash: 'x', sameAsTemporary: false })
      .thenError('no_password_to_choose'));
  it('a client with no login cannot sign in, be emailed or be reset', () => {
    given().when(attempt(guess)).thenError('no_login');
    given().when({ type: 'RequestCredentialsEmail', requestId: 'R' }).thenError('no_login');
    given()
      .when({ type: 'CompleteReset', tokenId: 'K1', secretMatches: true, passwordHash: 'p', now: later })
      .thenError('no_login');
  });
});

describe('an attempt decided after the login changed while it was being checked', () => {
  const withPermanent = [assigned, tempIssued('T1'), consumed, chosen] as const;
  const resent = [assigned, tempIssued('T1'), burned('superseded', 'T1'), tempIssued('T2')] as const;
  const success = { type: 'LoginSucceeded', data: { clientId, method: 'password' } } as const;

  it('the permanent password still signs in when staff issued a temporary one meanwhile, which stays pending', () => {
    const issuedMeanwhile = given(...withPermanent, tempIssued('T2'));
    issuedMeanwhile.when(attempt(permanentMatch())).then([success]);
    expect(issuedMeanwhile.state.status === 'active' && issuedMeanwhile.state.login.temp?.id).toBe('T2');
  });
  it('a miss checked when no temporary password was pending does not count against one issued meanwhile', () =>
    given(...withPermanent, tempIssued('T2'))
      .when(attempt({ kind: 'no_match', couldBeTemporary: true, checkedTempPasswordId: null }))
      .then([failedTry(false)]));
  it('a miss checked against the replaced temporary password does not burn the newer one', () =>
    given(...resent)
      .when(attempt(guess))
      .then([failedTry(false)]));
  it('a miss checked against the pending temporary password burns it', () =>
    given(...resent)
      .when(attempt({ ...guess, checkedTempPasswordId: 'T2' }))
      .then([failedTry(true), burned('failed_attempt', 'T2')]));
  it('a match with a temporary password replaced meanwhile fails as replaced and leaves the newer one', () =>
    given(...resent)
      .when(attempt(tempMatch('T1')))
      .then([failed('temporary_superseded')]));
  it('a match with a temporary password used meanwhile fails as burned, not counted against a newer one', () =>
    given(assigned, tempIssued('T1'), consumed, tempIssued('T2'))
      .when(attempt(tempMatch('T1')))
      .then([{ type: 'LoginFailed', data: { clientId, reason: 'temporary_burned', couldBeTemporary: false } }]));
  it('a match with a permanent password changed meanwhile opens nothing', () =>
    given(...withPermanent, { type: 'PasswordChanged', data: { clientId, passwordHash: 'scrypt-9' } })
      .when(attempt(permanentMatch(null, 1)))
      .then([failed('wrong_password')]));
  it('a rehash of the permanent password meanwhile keeps the match', () =>
    given(...withPermanent, { type: 'PasswordRehashed', data: { clientId, passwordHash: 'scrypt-2' } })
      .when(attempt(permanentMatch(null, 1)))
      .then([success]));
});

describe('a temporary password that could not be shown', () => {
  const replaced = [assigned, tempIssued('T1'), burned('superseded', 'T1'), tempIssued('T2')] as const;
  const withdraw = (restoreTempPasswordId: string | null, now = later): CredentialCommand => ({
    type: 'WithdrawTempPassword',
    tempPasswordId: 'T2',
    restoreTempPasswordId,
    now,
  });
  const withdrawn = (restored: { tempPasswordId: string; expiresAt: string } | null): CredentialEvent => ({
    type: 'TempPasswordWithdrawn',
    data: { clientId, tempPasswordId: 'T2', reason: 'not_shown', restored },
  });
  const t1 = { tempPasswordId: 'T1', expiresAt: '2026-03-10T14:00:00.000Z' };

  it('is withdrawn, and the one it replaced is pending again as it was', () => {
    given(...replaced)
      .when(withdraw('T1'))
      .then([withdrawn(t1)]);
    const { state } = given(...replaced, withdrawn(t1));
    expect(state.status === 'active' && [state.login.temp, state.login.supersededTemps]).toEqual([
      { id: 'T1', secretHash: 'hash-T1', expiresAt: '2026-03-10T14:00:00.000Z', failures: 0 },
      [],
    ]);
  });
  it('restores nothing once the one it replaced has expired', () =>
    given(...replaced)
      .when(withdraw('T1', afterExpiry))
      .then([withdrawn(null)]));
  it('leaves no temporary password pending when it replaced none', () => {
    const { state } = given(assigned, tempIssued('T2'), withdrawn(null));
    expect(state.status === 'active' && state.login.temp).toBeNull();
  });
  it('is not withdrawn once replaced by a newer one', () =>
    given(...replaced, burned('superseded', 'T2'), tempIssued('T3'))
      .when(withdraw('T1'))
      .then([]));
  it('a restored password keeps the failures counted against it before', () => {
    const lenient = { ...rules, tempPasswordMaxFailures: 2 };
    const { state } = given(
      assigned,
      tempIssued('T1'),
      failedTry(true),
      burned('superseded', 'T1'),
      tempIssued('T2'),
      withdrawn(t1),
    );
    expect(state.status === 'active' && state.login.temp?.failures).toBe(1);
    given(assigned, tempIssued('T1'), failedTry(true), burned('superseded', 'T1'), tempIssued('T2'), withdrawn(t1))
      .when(attempt(guess, later, lenient))
      .then([failedTry(true), burned('failed_attempt', 'T1')]);
  });
});
