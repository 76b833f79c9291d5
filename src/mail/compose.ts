import type { AppDeps, Requester } from '../app/deps.ts';
import { newId } from '../app/ids.ts';
import { issueTempPassword } from '../app/logins.ts';
import { issueResetLink } from '../app/recovery.ts';
import { ok, reject, type Rejection, type Result } from '../domain/result.ts';
import type { Actor } from '../eventstore/port.ts';
import { requestIdOf, type MailRequest } from './requests.ts';
import { formatMailDateTime, formatMailDuration, type MailView } from './templates.ts';

export interface MailSettings {
  /** From configuration (PUBLIC_ORIGIN), never from a request's Host header, which a sender controls. */
  readonly publicOrigin: string;
  readonly businessName: string;
  readonly businessContact: string | null;
  readonly timeZone: string;
}

export const mailRelayActor: Actor = { kind: 'system', id: 'mail-relay', name: 'Mail relay' };

/**
 * Builds what one email says. Secrets are minted here, where they are sent: only their hashes
 * are appended (by issueTempPassword / issueResetLink), and the plaintext lives in this value
 * until the transport has it. Each call mints anew, so a retry after a crash supersedes the
 * secret of the attempt that died.
 */
export async function composeMail(
  deps: AppDeps,
  settings: MailSettings,
  request: MailRequest,
): Promise<Result<{ to: string; mail: MailView }, Rejection>> {
  const client = deps.readModels.clients.getClient(request.clientId);
  if (!client) return reject('unknown_client', `there is no client ${request.clientId}`);
  if (!client.email) return reject('no_email', 'the client has no email on file');
  const credential = deps.readModels.credentials.getCredential(request.clientId);
  if (!credential) return reject('no_login', 'the client has no login');
  const common = {
    businessName: settings.businessName,
    businessContact: settings.businessContact,
    firstName: client.firstName,
    loginUrl: `${settings.publicOrigin}/login`,
    forgotPasswordUrl: `${settings.publicOrigin}/forgot-password`,
  };
  const requester: Requester = { actor: mailRelayActor, commandId: newId(), causationId: request.event.id };
  const requestId = requestIdOf(request);
  switch (request.template) {
    case 'client-login-credentials': {
      const issued = await issueTempPassword(
        deps,
        { clientId: request.clientId, delivery: 'email', ...(requestId ? { requestId } : {}) },
        requester,
      );
      if (!issued.ok) return issued;
      const { userName, password, expiresAt } = issued.value;
      const view = {
        ...common,
        userName,
        temporaryPassword: password,
        expiresAt: formatMailDateTime(expiresAt, settings.timeZone),
      };
      return ok({ to: client.email, mail: { template: request.template, view } });
    }
    case 'password-reset': {
      const issued = await issueResetLink(
        deps,
        { clientId: request.clientId, requestId: requestId ?? request.event.id },
        requester,
      );
      if (!issued.ok) return issued;
      const view = {
        ...common,
        userName: credential.userName,
        resetUrl: `${settings.publicOrigin}/reset/${issued.value.token}`,
        validFor: formatMailDuration(deps.settings.resetLinkTtlSeconds),
      };
      return ok({ to: client.email, mail: { template: request.template, view } });
    }
    case 'forgotten-user-name': {
      const userNames = deps.readModels.clients.findClientsByEmail(client.email).flatMap((sibling) => {
        const login = deps.readModels.credentials.getCredential(sibling.clientId);
        return login && !login.disabled ? [login.userName] : [];
      });
      if (userNames.length === 0) return reject('no_login', 'no active login uses this email any more');
      return ok({ to: client.email, mail: { template: request.template, view: { ...common, userNames } } });
    }
    case 'password-changed': {
      const view = {
        ...common,
        userName: credential.userName,
        changedAt: formatMailDateTime(request.event.metadata.at, settings.timeZone),
      };
      return ok({ to: client.email, mail: { template: request.template, view } });
    }
  }
}
