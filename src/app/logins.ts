import { sessionFingerprintOf } from './client-sessions.ts';
import { credentialStream } from '../domain/credential/events.ts';
import { isEventOfStream } from '../domain/events.ts';
import { reject, ok, type Rejection, type Result } from '../domain/result.ts';
import {
  decideReleaseUserName,
  decideReserveUserName,
  evolveUserName,
  initialUserNameState,
  type UserNameEvent,
  type UserNameState,
} from '../domain/username-reservation.ts';
import { userNameStream, validateUserName } from '../domain/username.ts';
import { loadCredentialState, runCredentialCommand } from './credential-decider.ts';
import { commandContext, waitUntilReadable, type AppDeps, type Requester } from './deps.ts';
import { handleCommand, type Decider } from './handle-command.ts';
import { newId } from './ids.ts';
import { mintTempPassword } from './secrets.ts';

const reservationDecider = (
  userName: string,
  clientId: string,
): Decider<'reserve' | 'release', UserNameEvent, UserNameState> => ({
  initialState: initialUserNameState,
  accepts: (event) => isEventOfStream(event, 'user-name'),
  evolve: evolveUserName,
  decide: (command, state) =>
    command === 'reserve'
      ? decideReserveUserName(userName, clientId, state)
      : ok(decideReleaseUserName(userName, clientId, state)),
});

/**
 * Gives a client a user name, or renames their login. The reservation stream is appended first
 * (the store refuses a second holder), then the credential stream, then the old name is released.
 * A retry with the same command id finds each step done and appends nothing new.
 */
export async function assignLogin(
  deps: AppDeps,
  input: { clientId: string; userName: string },
  requester: Requester,
): Promise<Result<{ userName: string; changed: boolean }, Rejection>> {
  const validation = validateUserName(input.userName);
  if (!validation.ok) return reject('invalid_user_name', validation.error);
  const userName = validation.userName;
  if (!deps.readModels.clients.getClient(input.clientId))
    return reject('unknown_client', `There is no client ${input.clientId}.`);

  const context = commandContext(deps, requester);
  const before = await loadCredentialState(deps, input.clientId);
  const previous = before.status === 'none' ? null : before.login.userName;
  if (previous === userName) return ok({ userName, changed: false });

  const reserved = await handleCommand(
    deps.store,
    reservationDecider(userName, input.clientId),
    userNameStream(deps.businessId, userName),
    'reserve',
    context,
  );
  if (!reserved.ok) return reserved;
  const assigned = await runCredentialCommand(
    deps,
    input.clientId,
    { type: 'AssignLogin', clientId: input.clientId, userName },
    context,
  );
  if (!assigned.ok) return assigned;
  // Release the name this append actually renamed from: a concurrent rename may have moved it on.
  const renamed = assigned.value.events.find((event) => event.type === 'LoginRenamed');
  if (renamed) {
    const from = renamed.data.from;
    await handleCommand(
      deps.store,
      reservationDecider(from, input.clientId),
      userNameStream(deps.businessId, from),
      'release',
      context,
    );
  }
  await waitUntilReadable(deps, assigned.value.position);
  return ok({ userName, changed: assigned.value.events.length > 0 });
}

export interface IssuedTempPassword {
  readonly password: string;
  readonly tempPasswordId: string;
  readonly expiresAt: string;
  readonly userName: string;
  /** The pending one this issue replaced, if any: what a withdrawal would make pending again. */
  readonly replacedTempPasswordId: string | null;
}

/**
 * Mints a temporary password where it is delivered: only its keyed hash is appended, and the
 * plaintext goes back to the one caller that shows or sends it, once. Any earlier one is burned.
 */
export async function issueTempPassword(
  deps: AppDeps,
  input: { clientId: string; delivery: 'shown_to_staff' | 'email'; requestId?: string },
  requester: Requester,
): Promise<Result<IssuedTempPassword, Rejection>> {
  const minted = mintTempPassword(deps.secrets, newId());
  const expiresAt = new Date(deps.clock.now().getTime() + deps.settings.tempPasswordTtlSeconds * 1000).toISOString();
  const handled = await runCredentialCommand(
    deps,
    input.clientId,
    {
      type: 'IssueTempPassword',
      tempPasswordId: minted.tempPasswordId,
      secretHash: minted.secretHash,
      expiresAt,
      delivery: input.delivery,
      ...(input.requestId ? { requestId: input.requestId } : {}),
    },
    requester,
  );
  if (!handled.ok) return handled;
  if (handled.value.duplicate) {
    return reject(
      'already_issued',
      'That temporary password was already issued and cannot be shown again. Issue a new one.',
    );
  }
  if (handled.value.state.status === 'none')
    throw new Error(
      `credential stream ${credentialStream(deps.businessId, input.clientId)} has no login after an issue`,
    );
  await waitUntilReadable(deps, handled.value.position);
  const replaced = handled.value.events.find((event) => event.type === 'TempPasswordBurned');
  return ok({
    password: minted.password,
    tempPasswordId: minted.tempPasswordId,
    expiresAt,
    userName: handled.value.state.login.userName,
    replacedTempPasswordId: replaced?.data.tempPasswordId ?? null,
  });
}

export type TempPasswordWithdrawal =
  /** `restoredExpiresAt`: the one it replaced works again until then; null when none does. */
  | { readonly withdrawn: true; readonly restoredExpiresAt: string | null }
  /** Used or replaced before it could be withdrawn: nothing changed. */
  | { readonly withdrawn: false };

/**
 * Takes back a temporary password its deliverer could not show, so an unseen password is never
 * the login's only one: the one it replaced, unless expired, is pending again. Only ids are recorded.
 */
export async function withdrawTempPassword(
  deps: AppDeps,
  issued: { clientId: string; tempPasswordId: string; replacedTempPasswordId: string | null },
  requester: Requester,
): Promise<Result<TempPasswordWithdrawal, Rejection>> {
  const handled = await runCredentialCommand(
    deps,
    issued.clientId,
    {
      type: 'WithdrawTempPassword',
      tempPasswordId: issued.tempPasswordId,
      restoreTempPasswordId: issued.replacedTempPasswordId,
      now: deps.clock.now().toISOString(),
    },
    requester,
  );
  if (!handled.ok) return handled;
  const withdrawn = handled.value.events.find((event) => event.type === 'TempPasswordWithdrawn');
  if (!withdrawn) return ok({ withdrawn: false });
  await waitUntilReadable(deps, handled.value.position);
  return ok({ withdrawn: true, restoredExpiresAt: withdrawn.data.restored?.expiresAt ?? null });
}

type SimpleStaffCommand = 'disable' | 'enable' | 'revoke-sessions';

export async function changeLoginAccess(
  deps: AppDeps,
  input: { clientId: string; action: SimpleStaffCommand; reason?: string },
  requester: Requester,
): Promise<Result<{ changed: boolean }, Rejection>> {
  const command =
    input.action === 'disable'
      ? ({ type: 'DisableLogin', reason: input.reason ?? null } as const)
      : input.action === 'enable'
        ? ({ type: 'EnableLogin' } as const)
        : ({ type: 'RevokeSessions', by: requester.actor.kind === 'client' ? 'client' : 'staff' } as const);
  const handled = await runCredentialCommand(deps, input.clientId, command, requester);
  if (!handled.ok) return handled;
  await waitUntilReadable(deps, handled.value.position);
  return ok({ changed: handled.value.events.length > 0 });
}

/**
 * "Log out" in one browser: that session's id is recorded (only as a keyed fingerprint) until the
 * token would have expired, so a copy of the token stops working too, on every instance.
 */
export async function endSession(
  deps: AppDeps,
  input: { clientId: string; sessionId: string; expiresAt: string },
  requester: Requester,
): Promise<void> {
  const sessionFingerprint = sessionFingerprintOf(deps, input.sessionId);
  const handled = await runCredentialCommand(
    deps,
    input.clientId,
    { type: 'EndSession', sessionFingerprint, expiresAt: input.expiresAt },
    requester,
  );
  if (handled.ok) await waitUntilReadable(deps, handled.value.position);
}

export function isSessionEnded(deps: Pick<AppDeps, 'secrets' | 'readModels'>, sessionId: string): boolean {
  return deps.readModels.endedSessions.isSessionEnded(sessionFingerprintOf(deps, sessionId));
}

/** Records the request; the mail relay mints the temporary password where it sends it. */
export async function requestCredentialsEmail(
  deps: AppDeps,
  input: { clientId: string; batchId?: string },
  requester: Requester,
): Promise<Result<{ requestId: string; email: string; alreadyRequested: boolean }, Rejection>> {
  const client = deps.readModels.clients.getClient(input.clientId);
  if (!client) return reject('unknown_client', `There is no client ${input.clientId}.`);
  if (!client.email)
    return reject('no_email', `${client.firstName} ${client.lastName} has no email on file. Add one first.`);
  const requestId = requester.commandId ?? newId();
  const handled = await runCredentialCommand(
    deps,
    input.clientId,
    { type: 'RequestCredentialsEmail', requestId, ...(input.batchId ? { batchId: input.batchId } : {}) },
    { ...requester, commandId: requestId },
  );
  if (!handled.ok) return handled;
  await waitUntilReadable(deps, handled.value.position);
  // A retry of the same command finds it done: the email was queued the first time, not now.
  return ok({ requestId, email: client.email, alreadyRequested: handled.value.duplicate });
}
