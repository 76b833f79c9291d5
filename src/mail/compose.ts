import type { AppDeps, Requester } from '../app/deps.ts';
import { newId } from '../app/ids.ts';
import { issueTempPassword } from '../app/logins.ts';
import { issueResetLink } from '../app/recovery.ts';
import { ok, reject, type Rejection, type Result } from '../domain/result.ts';
import type { Actor } from '../eventstore/port.ts';
import { requestIdOf, type MailRequest } from './requests.ts';
import type { MailSender } from './transport.ts';
import {
  formatMailDateTime,
  formatMailDuration,
  hasRenderedBefore,
  loadMailTemplate,
  MailTemplateError,
  renderLoadedMail,
  type LoadedMailTemplate,
  type MailView,
  type RenderedMail,
} from './templates.ts';

export interface MailSettings {
  /** From configuration (PUBLIC_ORIGIN), never from a request's Host header, which a sender controls. */
  readonly publicOrigin: string;
  readonly businessName: string;
  readonly businessContact: string | null;
  readonly businessLogoUrl: string | null;
  readonly timeZone: string;
  readonly templatesDir: string;
  /** TEMP_PASSWORD_MAX_FAILURES, so the email says truthfully when a mistyped password stops working. */
  readonly tempPasswordMaxFailures: number;
  /** The business's From, Reply-To and Mailgun domain; absent, the transport's own. */
  readonly sender?: MailSender;
}

/** What the relay sends: the address and the rendered parts (which may hold a secret). */
export interface ComposedMail {
  readonly to: string;
  readonly rendered: RenderedMail;
}

/** Stands in for a secret while the template is test-rendered before anything is minted. */
const unmintedSecret = 'not-minted-yet';

export const mailRelayActor: Actor = { kind: 'system', id: 'mail-relay', name: 'Mail relay' };

/**
 * Builds what one email says. Secrets are minted here, where they are sent: only their hashes
 * are appended (by issueTempPassword / issueResetLink), and the plaintext lives in this value
 * until the transport has it. Each call mints anew, so a retry after a crash supersedes the
 * secret of the attempt that died. The template is read and checked against its contract before
 * anything is minted, and a text that has not rendered before is rendered once with a stand-in
 * first: a broken template refuses the email before any secret is minted.
 */
export async function composeMail(
  deps: AppDeps,
  settings: MailSettings,
  request: MailRequest,
): Promise<Result<ComposedMail, Rejection>> {
  const client = deps.readModels.clients.getClient(request.clientId);
  if (!client) return reject('unknown_client', `there is no client ${request.clientId}`);
  if (!client.email) return reject('no_email', 'the client has no email on file');
  const credential = deps.readModels.credentials.getCredential(request.clientId);
  if (!credential) return reject('no_login', 'the client has no login');
  const to = client.email;
  const common = commonMailView(settings, client.firstName);
  const templateError = (error: unknown): Result<never, Rejection> => {
    if (error instanceof MailTemplateError) return reject('broken_template', error.message);
    throw error;
  };
  // Read and checked once for this email: the test render and the real one use the same text.
  let loaded: LoadedMailTemplate;
  try {
    loaded = loadMailTemplate(settings.templatesDir, request.template);
  } catch (error) {
    return templateError(error);
  }
  const render = (mail: MailView): Result<ComposedMail, Rejection> => {
    try {
      return ok({ to, rendered: renderLoadedMail(loaded, mail) });
    } catch (error) {
      return templateError(error);
    }
  };
  /** Before a secret is minted: a text that never rendered is tried with a stand-in first. */
  const tryRender = (mail: MailView): Result<unknown, Rejection> =>
    hasRenderedBefore(loaded) ? ok(null) : render(mail);
  const requester: Requester = { actor: mailRelayActor, commandId: newId(), causationId: request.event.id };
  const requestId = requestIdOf(request);
  switch (request.template) {
    case 'client-login-credentials': {
      const draft = tryRender({
        template: request.template,
        view: {
          ...common,
          userName: credential.userName,
          temporaryPassword: unmintedSecret,
          expiresAt: unmintedSecret,
        },
      });
      if (!draft.ok) return draft;
      const issued = await issueTempPassword(
        deps,
        { clientId: request.clientId, delivery: 'email', ...(requestId ? { requestId } : {}) },
        requester,
      );
      if (!issued.ok) return issued;
      const { userName, password, expiresAt } = issued.value;
      const view = {
        ...common,
        loginUrl: loginUrlFor(settings, userName),
        userName,
        temporaryPassword: password,
        expiresAt: formatMailDateTime(expiresAt, settings.timeZone),
      };
      return render({ template: request.template, view });
    }
    case 'password-reset': {
      const resetView = {
        ...common,
        userName: credential.userName,
        validFor: formatMailDuration(deps.settings.resetLinkTtlSeconds),
      };
      const draft = tryRender({
        template: request.template,
        view: { ...resetView, resetUrl: `${settings.publicOrigin}/reset/${unmintedSecret}` },
      });
      if (!draft.ok) return draft;
      const issued = await issueResetLink(
        deps,
        { clientId: request.clientId, requestId: requestId ?? request.event.id },
        requester,
      );
      if (!issued.ok) return issued;
      return render({
        template: request.template,
        view: { ...resetView, resetUrl: `${settings.publicOrigin}/reset/${issued.value.token}` },
      });
    }
    case 'forgotten-user-name': {
      const userNames = deps.readModels.clients.findClientsByEmail(client.email).flatMap((sibling) => {
        const login = deps.readModels.credentials.getCredential(sibling.clientId);
        return login && !login.disabled ? [login.userName] : [];
      });
      if (userNames.length === 0) return reject('no_login', 'no active login uses this email any more');
      return render({ template: request.template, view: { ...common, userNames } });
    }
    case 'password-changed': {
      const view = {
        ...common,
        userName: credential.userName,
        changedAt: formatMailDateTime(request.event.metadata.at, settings.timeZone),
      };
      return render({ template: request.template, view });
    }
    case 'new-sign-in': {
      const { event } = request;
      const device =
        event.type === 'NewSignInNoticeRequested' ? `${event.data.browser} on ${event.data.os}` : 'a new device';
      const view = {
        ...common,
        userName: credential.userName,
        device,
        signedInAt: formatMailDateTime(request.event.metadata.at, settings.timeZone),
      };
      return render({ template: request.template, view });
    }
  }
}

/** The values every template may use; the preview builds the same ones. */
export function commonMailView(settings: MailSettings, firstName: string) {
  return {
    businessName: settings.businessName,
    businessContact: settings.businessContact,
    logoUrl: settings.businessLogoUrl,
    firstName,
    loginUrl: `${settings.publicOrigin}/login`,
    forgotPasswordUrl: `${settings.publicOrigin}/forgot-password`,
    mistypesAllowed: mistypesAllowedText(settings.tempPasswordMaxFailures),
  };
}

/** The login page with the user name already filled in, so the client has only the password to paste. */
export function loginUrlFor(settings: Pick<MailSettings, 'publicOrigin'>, userName: string): string {
  return `${settings.publicOrigin}/login?username=${encodeURIComponent(userName)}`;
}

/** "one mistyped attempt", "3 mistyped attempts". */
export function mistypesAllowedText(maxFailures: number): string {
  return maxFailures === 1 ? 'one mistyped attempt' : `${maxFailures} mistyped attempts`;
}

export function mailSettingsOf(config: {
  publicOrigin: string;
  businessName: string;
  businessContact: string | null;
  businessLogoUrl: string | null;
  businessTimeZone: string;
  tempPasswordMaxFailures: number;
  mail: { templatesDir: string };
}): MailSettings {
  return {
    publicOrigin: config.publicOrigin,
    businessName: config.businessName,
    businessContact: config.businessContact,
    businessLogoUrl: config.businessLogoUrl,
    timeZone: config.businessTimeZone,
    templatesDir: config.mail.templatesDir,
    tempPasswordMaxFailures: config.tempPasswordMaxFailures,
  };
}
