import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { changeLoginAccess } from '../../app/logins.ts';
import { changePassword } from '../../app/sign-in.ts';
import { readForm } from '../form-input.ts';
import {
  AccountPage,
  ChangePasswordForm,
  accountNotices,
  type AccountFacts,
  type AccountNotice,
} from '../pages/account.tsx';
import type { Session } from '../session.ts';
import type { FieldErrors } from '../views/form.tsx';
import { clientActor, newClientRoutes, requireSession, type Site } from '../site.tsx';
import { redirectAfterPost, sendForm, sendPage } from '../views/render.tsx';
import { keptPasswords, newPasswordSchema, type TypedPasswords } from './new-password-input.ts';

const changePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: 'Enter your current password' })
      .min(1, 'Enter your current password')
      .max(1024, 'A password has at most 1024 characters'),
  })
  .and(newPasswordSchema);

/** Mounted at /account: who am I, change password, log out everywhere. */
export function accountRoutes(site: Site) {
  const { deps } = site.app;
  const policy = deps.settings.passwordPolicy;
  const routes = newClientRoutes(site);
  routes.use('*', requireSession(site, 'full'));

  const factsOf = (session: Session): AccountFacts => {
    const client = deps.readModels.clients.getClient(session.clientId);
    return {
      name: client ? `${client.firstName} ${client.lastName}` : '',
      username: deps.readModels.credentials.getCredential(session.clientId)?.userName ?? '',
      email: client?.email ?? null,
    };
  };

  routes.get('/', (c) => {
    const facts = factsOf(c.var.session);
    const form = <ChangePasswordForm username={facts.username} policy={policy} />;
    const content = <AccountPage facts={facts} form={form} notice={parseAccountNotice(c.req.query('notice'))} />;
    return sendPage(c, site.chrome, { title: 'Your account', content });
  });

  routes.post('/password', async (c) => {
    const { session } = c.var;
    const facts = factsOf(session);
    const answer = (errors: FieldErrors, typed: TypedPasswords = {}) =>
      sendForm(c, site.chrome, {
        status: 422,
        title: 'Your account',
        form: <ChangePasswordForm username={facts.username} policy={policy} errors={errors} typed={typed} />,
        page: (form: Child) => <AccountPage facts={facts} form={form} />,
      });
    const input = await readForm(c, changePasswordSchema);
    if (!input.ok) return answer(input.errors, keptPasswords(input.raw, input.errors));
    const changed = await changePassword(
      deps,
      {
        clientId: session.clientId,
        currentPassword: input.value.currentPassword,
        newPassword: input.value.newPassword,
      },
      { actor: clientActor(session) },
    );
    if (!changed.ok) {
      if (changed.error.code === 'wrong_current_password' || changed.error.code === 'throttled')
        return answer({ currentPassword: changed.error.message }, keptPasswords(input.value));
      if (changed.error.code === 'weak_password')
        return answer({ newPassword: changed.error.message }, keptPasswords(input.value));
      site.sessions.end(c);
      return redirectAfterPost(c, '/login');
    }
    // The change ended every session; this browser carries on under a new one at the new version.
    await site.sessions.start(c, {
      clientId: session.clientId,
      sessionVersion: changed.value.sessionVersion,
      mustChoosePassword: false,
    });
    return redirectAfterPost(c, '/account?notice=password-changed');
  });

  routes.post('/logout-everywhere', async (c) => {
    const revoked = await changeLoginAccess(
      deps,
      { clientId: c.var.session.clientId, action: 'revoke-sessions' },
      { actor: clientActor(c.var.session) },
    );
    if (!revoked.ok)
      throw new Error(`log out everywhere for ${c.var.session.clientId} was refused: ${revoked.error.message}`);
    site.sessions.end(c);
    return redirectAfterPost(c, '/login?notice=logged-out-everywhere');
  });

  return routes;
}

function parseAccountNotice(value: string | undefined): AccountNotice | null {
  return value !== undefined && Object.hasOwn(accountNotices, value) ? (value as AccountNotice) : null;
}
