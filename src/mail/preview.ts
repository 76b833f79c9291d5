import type { App } from '../app/context.ts';
import type { MailTemplate } from '../domain/mail.ts';
import { reject, ok, type Rejection, type Result } from '../domain/result.ts';
import { commonMailView, loginUrlFor, mailSettingsOf } from './compose.ts';
import {
  formatMailDateTime,
  formatMailDuration,
  listMailTemplateProblems,
  MailTemplateError,
  renderMail,
  type MailView,
  type RenderedMail,
} from './templates.ts';

/**
 * Renders a template as it would go out, with a real client's details when one is named, and
 * placeholders for the secrets: a preview never issues a password or a reset link. A template
 * that breaks its contract is refused with every problem listed (file and line), as at start-up.
 */
export function previewMail(
  app: App,
  template: MailTemplate,
  clientId?: string,
): Result<{ to: string; rendered: RenderedMail }, Rejection> {
  const { config, deps } = app;
  const problems = listMailTemplateProblems(config.mail.templatesDir, template);
  if (problems.length > 0)
    return reject('broken_template', `The ${template} email would not be sent:\n  ${problems.join('\n  ')}`);
  const client = clientId ? deps.readModels.clients.getClient(clientId) : null;
  if (clientId && !client) return reject('unknown_client', `There is no client ${clientId}.`);
  const login = clientId ? deps.readModels.credentials.getCredential(clientId) : null;
  const email = client?.email ?? 'jamie.rivera@example.com';
  const userName = login?.userName ?? email;
  const now = deps.clock.now();
  const common = commonMailView(mailSettingsOf(config), client?.firstName ?? 'Jamie');
  const userNames = client?.email
    ? deps.readModels.clients
        .findClientsByEmail(client.email)
        .flatMap((sibling) => deps.readModels.credentials.getCredential(sibling.clientId)?.userName ?? [])
    : [userName];
  const views: { [T in MailTemplate]: Extract<MailView, { template: T }>['view'] } = {
    'client-login-credentials': {
      ...common,
      loginUrl: loginUrlFor(config, userName),
      userName,
      temporaryPassword: 'sample-only-never-issued-23456',
      expiresAt: formatMailDateTime(
        new Date(now.getTime() + deps.settings.tempPasswordTtlSeconds * 1000).toISOString(),
        config.businessTimeZone,
      ),
    },
    'password-reset': {
      ...common,
      userName,
      resetUrl: `${config.publicOrigin}/reset/SAMPLE-LINK-NOT-VALID`,
      validFor: formatMailDuration(deps.settings.resetLinkTtlSeconds),
    },
    'forgotten-user-name': { ...common, userNames: userNames.length > 0 ? userNames : [userName] },
    'password-changed': {
      ...common,
      userName,
      changedAt: formatMailDateTime(now.toISOString(), config.businessTimeZone),
    },
    'new-sign-in': {
      ...common,
      userName,
      device: 'Firefox on Windows',
      signedInAt: formatMailDateTime(now.toISOString(), config.businessTimeZone),
    },
  };
  try {
    return ok({
      to: email,
      rendered: renderMail(config.mail.templatesDir, { template, view: views[template] } as MailView),
    });
  } catch (error) {
    if (error instanceof MailTemplateError) return reject('broken_template', error.message);
    throw error;
  }
}
