import { reject, ok, type Rejection, type Result } from '../domain/result.ts';
import { normaliseUserName } from '../domain/username.ts';
import { loadCredentialState, runCredentialCommand } from './credential-decider.ts';
import { waitUntilReadable, type AppDeps, type Requester } from './deps.ts';
import { newId } from './ids.ts';
import { checkNewPassword } from './new-password.ts';
import { mintResetToken, parseResetToken } from './secrets.ts';
import { recordUnmatched } from './sign-in.ts';

const anonymous = { kind: 'client', id: 'unknown' } as const;

const cooldown = (deps: AppDeps) => ({
  now: deps.clock.now().toISOString(),
  cooldownSeconds: deps.settings.recoveryEmailCooldownSeconds,
});

/**
 * Forgotten password: user name and the email on file. The caller shows the same answer
 * whatever matched; when both match, the mail relay mints the link where it sends it.
 */
export async function requestPasswordReset(
  deps: AppDeps,
  input: { userName: string; email: string },
  requester: Omit<Requester, 'actor'> = {},
): Promise<void> {
  const userName = normaliseUserName(input.userName);
  const email = input.email.trim().toLowerCase();
  const clientId = deps.readModels.credentials.findClientIdByUserName(userName);
  const client = clientId ? deps.readModels.clients.getClient(clientId) : null;
  if (clientId && client?.email === email) {
    const requestId = requester.commandId ?? newId();
    const actor = { kind: 'client', id: clientId } as const;
    const handled = await runCredentialCommand(
      deps,
      clientId,
      { type: 'RequestPasswordReset', requestId, ...cooldown(deps) },
      { ...requester, actor, commandId: requestId },
    );
    if (handled.ok) return waitUntilReadable(deps, handled.value.position);
  }
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
  for (const client of withLogin) {
    const requestId = newId();
    const actor = { kind: 'client', id: client.clientId } as const;
    const handled = await runCredentialCommand(
      deps,
      client.clientId,
      { type: 'RequestUserNameReminder', requestId, ...cooldown(deps) },
      { ...requester, actor, commandId: requestId },
    );
    if (handled.ok) await waitUntilReadable(deps, handled.value.position);
  }
  if (withLogin.length === 0) {
    await recordUnmatched(
      deps,
      { type: 'UserNameReminderUnmatched', data: { emailFingerprint: deps.secrets.fingerprint(email) } },
      anonymous,
    );
  }
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
