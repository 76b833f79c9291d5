import { reject, ok, type Rejection, type Result } from '../domain/result.ts';
import { normaliseUserName } from '../domain/username.ts';
import { loadCredentialState, runCredentialCommand } from './credential-decider.ts';
import { waitUntilReadable, type AppDeps, type Requester } from './deps.ts';
import { newId } from './ids.ts';
import type { Handled } from './handle-command.ts';
import type { CredentialEvent } from '../domain/credential/events.ts';
import type { CredentialState } from '../domain/credential/state.ts';
import { checkNewPassword } from './new-password.ts';
import { mintResetToken, parseResetToken } from './secrets.ts';
import { recordUnmatched } from './sign-in.ts';

const anonymous = { kind: 'client', id: 'unknown' } as const;

const cooldown = (deps: AppDeps) => ({
  now: deps.clock.now().toISOString(),
  cooldownSeconds: deps.settings.recoveryEmailCooldownSeconds,
});

/**
 * Forgotten password: one identifier, the user name or the email on file. The caller shows the same
 * answer whatever matched; for each login it names (by user name, else every enabled login on that
 * email) the mail relay mints a link where it sends it, always to the email on file.
 */
export async function requestPasswordReset(
  deps: AppDeps,
  input: { identifier: string },
  requester: Omit<Requester, 'actor'> = {},
): Promise<void> {
  const userName = normaliseUserName(input.identifier);
  const email = input.identifier.trim().toLowerCase();
  let requested = 0;
  for (const clientId of orDecoy(deps, clientsNamedBy(deps, userName, email), userName)) {
    const requestId = requested === 0 ? (requester.commandId ?? newId()) : newId();
    const actor = { kind: 'client', id: clientId } as const;
    const handled = await runCredentialCommand(
      deps,
      clientId,
      { type: 'RequestPasswordReset', requestId, ...cooldown(deps) },
      { ...requester, actor, commandId: requestId },
    );
    if (sentSomething(handled)) {
      requested += 1;
      await waitUntilReadable(deps, handled.value.position);
    }
  }
  if (requested > 0) return;
  // No match, cooling down or disabled: each is recorded the same way, with one append and the same
  // wait, so neither the time taken nor the log's growth tells them apart from a match.
  await recordUnmatched(
    deps,
    {
      type: 'PasswordResetRequestUnmatched',
      data: {
        userNameFingerprint: deps.secrets.fingerprint(userName),
        emailFingerprint: deps.secrets.fingerprint(email),
      },
    },
    anonymous,
  );
}

/** The logins an identifier names: the one with that user name and an email on file, else those on that email. */
function clientsNamedBy(deps: AppDeps, userName: string, email: string): string[] {
  const byUserName = deps.readModels.credentials.findClientIdByUserName(userName);
  if (byUserName && deps.readModels.clients.getClient(byUserName)?.email) return [byUserName];
  return deps.readModels.clients
    .findClientsByEmail(email)
    .map((client) => client.clientId)
    .filter((clientId) => deps.readModels.credentials.getCredential(clientId)?.disabled === false);
}

/** Forgotten user name: every login on that email gets a reminder; the answer is the same either way. */
export async function requestUserNameReminder(
  deps: AppDeps,
  input: { email: string },
  requester: Omit<Requester, 'actor'> = {},
): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const withLogin = deps.readModels.clients
    .findClientsByEmail(email)
    .filter((client) => deps.readModels.credentials.getCredential(client.clientId)?.disabled === false);
  let requested = 0;
  for (const clientId of orDecoy(
    deps,
    withLogin.map((client) => client.clientId),
    email,
  )) {
    const requestId = newId();
    const actor = { kind: 'client', id: clientId } as const;
    const handled = await runCredentialCommand(
      deps,
      clientId,
      { type: 'RequestUserNameReminder', requestId, ...cooldown(deps) },
      { ...requester, actor, commandId: requestId },
    );
    if (sentSomething(handled)) {
      requested += 1;
      await waitUntilReadable(deps, handled.value.position);
    }
  }
  // As for a reset: nothing asked for (no login on that email, cooling down) is recorded like no match.
  if (requested === 0) {
    await recordUnmatched(
      deps,
      { type: 'UserNameReminderUnmatched', data: { emailFingerprint: deps.secrets.fingerprint(email) } },
      anonymous,
    );
  }
}

/**
 * With no login to ask for, the same command still runs, against a stream that no client has (a
 * keyed fingerprint of what was typed): it reads, folds and is refused, so an unmatched request does
 * the work of one that matched inside its cooldown, and appends nothing there.
 */
function orDecoy(deps: AppDeps, clientIds: string[], typed: string): string[] {
  return clientIds.length > 0 ? clientIds : [`no-login-${deps.secrets.fingerprint(`decoy:${typed}`)}`];
}

/** Whether the command asked for an email (a retry of one that did counts too). */
function sentSomething(
  handled: Awaited<ReturnType<typeof runCredentialCommand>>,
): handled is { ok: true; value: Handled<CredentialEvent, CredentialState> } {
  return handled.ok && (handled.value.duplicate || handled.value.events.length > 0);
}

/** For the mail relay: mints the reset token, appends only its hash, and returns the token to send. */
export async function issueResetLink(
  deps: AppDeps,
  input: { clientId: string; requestId: string },
  requester: Requester,
): Promise<Result<{ token: string; expiresAt: string }, Rejection>> {
  const minted = mintResetToken(deps.secrets);
  const expiresAt = new Date(deps.clock.now().getTime() + deps.settings.resetLinkTtlSeconds * 1000).toISOString();
  const handled = await runCredentialCommand(
    deps,
    input.clientId,
    {
      type: 'IssueResetLink',
      tokenId: minted.tokenId,
      secretHash: minted.secretHash,
      expiresAt,
      requestId: input.requestId,
    },
    requester,
  );
  if (!handled.ok) return handled;
  if (handled.value.duplicate) return reject('already_issued', 'That reset link was already issued.');
  await waitUntilReadable(deps, handled.value.position);
  return ok({ token: minted.token, expiresAt });
}

const invalidLink = () => reject('invalid_reset_link', 'This link has expired or was already used. Ask for a new one.');

/** Opening the link (GET) only checks it; the link is used up by the form POST. */
export async function checkResetToken(
  deps: AppDeps,
  token: string,
): Promise<Result<{ clientId: string; userName: string }, Rejection>> {
  const parsed = parseResetToken(token);
  const clientId = parsed ? deps.readModels.credentials.findClientIdByResetToken(parsed.tokenId) : null;
  if (!parsed || !clientId) return invalidLink();
  const state = await loadCredentialState(deps, clientId);
  const link = state.status === 'active' ? state.login.reset : null;
  const valid =
    link !== null &&
    link.tokenId === parsed.tokenId &&
    deps.secrets.verifySecret(parsed.secret, link.secretHash) &&
    Date.parse(link.expiresAt) > deps.clock.now().getTime();
  return valid && state.status === 'active' ? ok({ clientId, userName: state.login.userName }) : invalidLink();
}

export async function completePasswordReset(
  deps: AppDeps,
  input: { token: string; newPassword: string },
  requester: Omit<Requester, 'actor'> = {},
): Promise<Result<{ clientId: string; sessionVersion: number }, Rejection>> {
  const checked = await checkResetToken(deps, input.token);
  if (!checked.ok) return checked;
  const { clientId, userName } = checked.value;
  const policy = checkNewPassword(deps, { clientId, userName, password: input.newPassword });
  if (!policy.ok) return reject('weak_password', policy.message);
  const parsed = parseResetToken(input.token)!;
  const passwordHash = await deps.passwords.hash(policy.password);
  const handled = await runCredentialCommand(
    deps,
    clientId,
    (state) => ({
      type: 'CompleteReset',
      tokenId: parsed.tokenId,
      secretMatches:
        state.status !== 'none' &&
        state.login.reset !== null &&
        deps.secrets.verifySecret(parsed.secret, state.login.reset.secretHash),
      passwordHash,
      now: deps.clock.now().toISOString(),
    }),
    { ...requester, actor: { kind: 'client', id: clientId } },
  );
  if (!handled.ok) return handled;
  await waitUntilReadable(deps, handled.value.position);
  const state = handled.value.state;
  return ok({ clientId, sessionVersion: state.status === 'none' ? 0 : state.login.sessionVersion });
}
