import { reject, ok, type Rejection, type Result } from '../domain/result.ts';
import type { AppDeps, Requester } from './deps.ts';
import { assignLogin, changeLoginAccess, requestCredentialsEmail } from './logins.ts';

export interface LoginEditorInput {
  readonly clientId: string;
  readonly userName: string;
  readonly active: boolean;
  readonly emailCredentials: boolean;
}

export interface LoginEditorOutcome {
  readonly userName: string;
  readonly renamed: boolean;
  readonly accessChanged: boolean;
  /** The mail request id when the credentials email was asked for. */
  readonly emailRequestId: string | null;
}

/**
 * The System Login Editor's save: user name, active on/off and "email the credentials now" as
 * one command. Every step's command id is derived from the one given, so a retried save finds
 * each step done and appends nothing new. What can be refused is checked before anything is
 * appended, so a refusal leaves the login as it was.
 */
export async function saveLogin(
  deps: AppDeps,
  input: LoginEditorInput,
  requester: Requester & { readonly commandId: string },
): Promise<Result<LoginEditorOutcome, Rejection>> {
  const client = deps.readModels.clients.getClient(input.clientId);
  if (!client) return reject('unknown_client', `There is no client ${input.clientId}.`);
  if (input.emailCredentials && !input.active) {
    return reject(
      'email_needs_active',
      'Credentials can only be emailed to an active login. Turn the login on, or untick the email.',
    );
  }
  if (input.emailCredentials && !client.email) {
    return reject(
      'no_email',
      `${client.firstName} ${client.lastName} has no email on file. Add one first, or untick the email.`,
    );
  }
  const step = (name: string): Requester => ({ ...requester, commandId: `${requester.commandId}:${name}` });
  const assigned = await assignLogin(deps, { clientId: input.clientId, userName: input.userName }, step('assign'));
  if (!assigned.ok) return assigned;

  const disabled = deps.readModels.credentials.getCredential(input.clientId)?.disabled ?? false;
  let accessChanged = false;
  if (disabled === input.active) {
    const changed = await changeLoginAccess(
      deps,
      { clientId: input.clientId, action: input.active ? 'enable' : 'disable' },
      step('access'),
    );
    if (!changed.ok) return changed;
    accessChanged = changed.value.changed;
  }
  let emailRequestId: string | null = null;
  if (input.emailCredentials) {
    const requested = await requestCredentialsEmail(deps, { clientId: input.clientId }, step('email'));
    if (!requested.ok) return requested;
    emailRequestId = requested.value.requestId;
  }
  return ok({ userName: assigned.value.userName, renamed: assigned.value.changed, accessChanged, emailRequestId });
}
