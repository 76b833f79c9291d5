import { isDeviceTrusted, loginThrottledUntil } from '../domain/credential/throttle.ts';
import type { DeviceFamily } from '../domain/session.ts';
import { mintDeviceToken, verifyDeviceToken } from './device-tokens.ts';
import { newId } from './ids.ts';
import type { PasswordMatch } from '../domain/credential/commands.ts';
import type { Login } from '../domain/credential/state.ts';
import { reject, ok, type Rejection, type Result } from '../domain/result.ts';
import { unmatchedStream, type UnmatchedEvent } from '../domain/unmatched.ts';
import { normaliseUserName } from '../domain/username.ts';
import { canonicalTempPasswordInput, couldBeTempPassword } from '../domain/temp-password-input.ts';
import { loadCredentialState, runCredentialCommand } from './credential-decider.ts';
import { commandContext, waitUntilReadable, type AppDeps, type Requester } from './deps.ts';
import { recordEvent } from './record-event.ts';
import { checkNewPassword } from './new-password.ts';

export interface SignedIn {
  readonly clientId: string;
  readonly sessionVersion: number;
  /** Signed in with a temporary password: the only page open is "choose your new password". */
  readonly mustChoosePassword: boolean;
  /** A fresh device cookie for this browser (each login replaces the one it showed). */
  readonly deviceToken: string;
  /** Whether the browser showed a valid device cookie of this login. */
  readonly knownDevice: boolean;
}

/**
 * Every failure is one value, so no caller can tell the client which kind it was. The one
 * exception needs a real secret: the password of an older credentials email, whose holder is
 * told that a newer email replaced it (and it did not count against the newer password).
 */
export type SignInFailure =
  | { readonly code: 'invalid_credentials' }
  | { readonly code: 'throttled'; readonly retryAfterSeconds: number }
  | { readonly code: 'superseded_temporary'; readonly replacedAt: string };

export async function signIn(
  deps: AppDeps,
  input: { userName: string; password: string; deviceToken?: string; deviceFamily?: DeviceFamily },
  requester: Omit<Requester, 'actor'>,
): Promise<Result<SignedIn, SignInFailure>> {
  if (deps.suspended) {
    // The same answer, in the same time, as a wrong password: the page does not say why.
    await deps.passwords.verifyNothing(input.password);
    return { ok: false, error: { code: 'invalid_credentials' } };
  }
  const userName = normaliseUserName(input.userName);
  const clientId = deps.readModels.credentials.findClientIdByUserName(userName);
  const actor = { kind: 'client', id: clientId ?? 'unknown' } as const;
  if (!clientId) {
    await deps.passwords.verifyNothing(input.password);
    await recordUnmatched(
      deps,
      { type: 'UnknownUserNameLoginFailed', data: { userNameFingerprint: deps.secrets.fingerprint(userName) } },
      actor,
    );
    return { ok: false, error: { code: 'invalid_credentials' } };
  }
  const state = await loadCredentialState(deps, clientId);
  if (state.status === 'none') return { ok: false, error: { code: 'invalid_credentials' } };
  const now = deps.clock.now();
  const presented = verifyDeviceToken(deps.secrets, input.deviceToken, clientId, now);
  const device = isDeviceTrusted(state.login, presented, deps.settings.loginRules.throttle) ? presented : null;
  if (!device && loginThrottledUntil(state.login, deps.settings.loginRules.throttle, now)) {
    // No hashing while throttled: the correct password is refused like any other, in the time a
    // checked attempt takes, so a fast answer does not tell a throttled account from an unknown one.
    const handled = await runCredentialCommand(
      deps,
      clientId,
      { type: 'RecordThrottledAttempt' },
      { ...requester, actor },
    );
    await deps.passwords.waitAsLongAsAVerification();
    if (handled.ok) await waitUntilReadable(deps, handled.value.position);
    return throttled(state.login, deps, now);
  }
  const match = await matchPassword(deps, state.login, input.password);
  // Decided on the stream as it is at the append (another attempt, or a temporary password issued
  // meanwhile, may have landed while this one hashed): the decider counts the attempt for the
  // secret it was checked against, and only while that secret is still the login's.
  const handled = await runCredentialCommand(
    deps,
    clientId,
    {
      type: 'RecordLoginAttempt',
      check: match,
      rules: deps.settings.loginRules,
      now: now.toISOString(),
      ...(device ? { deviceFingerprint: device } : {}),
      ...(device ? {} : newSignInNotice(deps, clientId, input.deviceFamily)),
    },
    { ...requester, actor },
  );
  if (!handled.ok) throw new Error(`login attempt for ${clientId} was refused: ${handled.error.message}`);
  const succeeded = handled.value.events.find((e) => e.type === 'LoginSucceeded');
  await waitUntilReadable(deps, handled.value.position);
  const wasThrottled = handled.value.events.some((e) => e.type === 'LoginFailed' && e.data.reason === 'throttled');
  if (wasThrottled && handled.value.state.status !== 'none') return throttled(handled.value.state.login, deps, now);
  const superseded = handled.value.events.some(
    (e) => e.type === 'LoginFailed' && e.data.reason === 'temporary_superseded',
  );
  if (superseded && handled.value.state.status !== 'none' && 'tempPasswordId' in match) {
    const replaced = handled.value.state.login.supersededTemps.find((old) => old.id === match.tempPasswordId);
    if (replaced) return { ok: false, error: { code: 'superseded_temporary', replacedAt: replaced.supersededAt } };
  }
  if (!succeeded || handled.value.state.status !== 'active')
    return { ok: false, error: { code: 'invalid_credentials' } };
  // Only a temporary-password login is confined to choosing a password: one with the permanent
  // password opens the account even while an earlier temporary login left a choice pending.
  return ok({
    clientId,
    sessionVersion: handled.value.state.login.sessionVersion,
    mustChoosePassword: succeeded.data.method === 'temporary',
    deviceToken: mintDeviceToken(deps.secrets, clientId, now).token,
    knownDevice: succeeded.data.knownDevice === true,
  });
}

/** Asked for on every login without a known device; the decider keeps it for a permanent-password success. */
function newSignInNotice(deps: AppDeps, clientId: string, family: DeviceFamily | undefined) {
  if (!deps.settings.newSignInEmail || !family || !deps.readModels.clients.getClient(clientId)?.email) return {};
  return { newSignInNotice: { requestId: newId(), browser: family.browser, os: family.os } };
}

function throttled(login: Login, deps: AppDeps, now: Date): { ok: false; error: SignInFailure } {
  const until = loginThrottledUntil(login, deps.settings.loginRules.throttle, now);
  const retryAfterSeconds = until ? Math.ceil((until.getTime() - now.getTime()) / 1000) : 1;
  return { ok: false, error: { code: 'throttled', retryAfterSeconds } };
}

/**
 * Exactly one scrypt verification per attempt, whatever the account holds, so timing does not
 * tell an account with a temporary password from one with a permanent password.
 */
async function matchPassword(deps: AppDeps, login: Login, password: string): Promise<PasswordMatch> {
  const permanent = login.passwordHash
    ? await deps.passwords.verify(password, login.passwordHash)
    : (await deps.passwords.verifyNothing(password), { matches: false, needsRehash: false });
  const temp = login.temp;
  if (temp && deps.secrets.verifySecret(canonicalTempPasswordInput(password), temp.secretHash))
    return { kind: 'temporary_matched', tempPasswordId: temp.id };
  if (permanent.matches) {
    const rehash = permanent.needsRehash ? await deps.passwords.hash(password) : null;
    return { kind: 'permanent_matched', passwordVersion: login.passwordVersion, rehash };
  }
  const now = deps.clock.now().getTime();
  const superseded = login.supersededTemps.find(
    (old) =>
      Date.parse(old.expiresAt) > now &&
      deps.secrets.verifySecret(canonicalTempPasswordInput(password), old.secretHash),
  );
  if (superseded) return { kind: 'superseded_matched', tempPasswordId: superseded.id };
  return {
    kind: 'no_match',
    couldBeTemporary: couldBeTempPassword(password),
    checkedTempPasswordId: login.temp?.id ?? null,
  };
}

/**
 * Waits until the projections have read it, as the matched paths wait for their own writes,
 * so a request that matched nothing takes as long as one that did.
 */
export async function recordUnmatched(deps: AppDeps, event: UnmatchedEvent, actor: Requester['actor']): Promise<void> {
  const appended = await recordEvent(
    deps.store,
    unmatchedStream(deps.businessId),
    event,
    commandContext(deps, { actor }),
    'any',
  );
  await waitUntilReadable(deps, appended.position);
}

type PasswordRejection = Rejection<'weak_password' | 'same_as_temporary' | string>;

/** The page reached after a temporary-password login: choose a password that is not the temporary one. */
export async function choosePermanentPassword(
  deps: AppDeps,
  input: { clientId: string; newPassword: string },
  requester: Requester,
): Promise<Result<{ sessionVersion: number }, PasswordRejection>> {
  const state = await loadCredentialState(deps, input.clientId);
  if (state.status !== 'active' || !state.login.mustChoose)
    return reject('no_password_to_choose', 'Your password is already set. Sign in again.');
  // Compared in the form a login compares it in: a full-width or upper-case copy of the emailed
  // password would otherwise be saved as the permanent one, and the plain one would then open the account.
  const sameAsTemporary = deps.secrets.verifySecret(
    canonicalTempPasswordInput(input.newPassword),
    state.login.mustChoose.tempSecretHash,
  );
  const checked = checkNewPassword(deps, {
    clientId: input.clientId,
    userName: state.login.userName,
    password: input.newPassword,
    sameAsTemporary,
  });
  if (!checked.ok)
    return reject(checked.reason === 'temporary' ? 'same_as_temporary' : 'weak_password', checked.message);
  const passwordHash = await deps.passwords.hash(checked.password);
  const handled = await runCredentialCommand(
    deps,
    input.clientId,
    { type: 'ChoosePermanentPassword', passwordHash, sameAsTemporary },
    requester,
  );
  if (!handled.ok) return handled;
  await waitUntilReadable(deps, handled.value.position);
  return ok({ sessionVersion: sessionVersionOf(handled.value.state) });
}

export async function changePassword(
  deps: AppDeps,
  input: { clientId: string; currentPassword: string; newPassword: string; deviceToken?: string },
  requester: Requester,
): Promise<Result<{ sessionVersion: number }, PasswordRejection>> {
  const state = await loadCredentialState(deps, input.clientId);
  if (state.status !== 'active' || !state.login.passwordHash)
    return reject('no_login', 'Sign in again to change your password.');
  // The current password is a password check like a login: throttled and counted the same way,
  // so a stolen session cannot be used to guess it at leisure.
  const now = deps.clock.now();
  // As at login, a known device is not held back by a stranger's guesses, and its mistakes are its own.
  const presented = verifyDeviceToken(deps.secrets, input.deviceToken, input.clientId, now);
  const device = isDeviceTrusted(state.login, presented, deps.settings.loginRules.throttle) ? presented : null;
  if (!device && loginThrottledUntil(state.login, deps.settings.loginRules.throttle, now)) {
    return reject('throttled', 'Too many wrong passwords. Wait a few minutes, then try again.');
  }
  const current = await deps.passwords.verify(input.currentPassword, state.login.passwordHash);
  if (!current.matches) {
    const rules = deps.settings.loginRules;
    await runCredentialCommand(
      deps,
      input.clientId,
      {
        type: 'RecordLoginAttempt',
        check: {
          kind: 'no_match',
          couldBeTemporary: couldBeTempPassword(input.currentPassword),
          checkedTempPasswordId: state.login.temp?.id ?? null,
        },
        rules,
        now: now.toISOString(),
        ...(device ? { deviceFingerprint: device } : {}),
      },
      requester,
    );
    return reject('wrong_current_password', 'Your current password is not right. Try again.');
  }
  const checked = checkNewPassword(deps, {
    clientId: input.clientId,
    userName: state.login.userName,
    password: input.newPassword,
  });
  if (!checked.ok) return reject('weak_password', checked.message);
  const passwordHash = await deps.passwords.hash(checked.password);
  const handled = await runCredentialCommand(deps, input.clientId, { type: 'ChangePassword', passwordHash }, requester);
  if (!handled.ok) return handled;
  await waitUntilReadable(deps, handled.value.position);
  return ok({ sessionVersion: sessionVersionOf(handled.value.state) });
}

function sessionVersionOf(state: Awaited<ReturnType<typeof loadCredentialState>>): number {
  if (state.status === 'none') throw new Error('a password was set on a stream with no login');
  return state.login.sessionVersion;
}
