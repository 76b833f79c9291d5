import type { Child } from 'hono/jsx';
import { choosePermanentPassword } from '../../app/sign-in.ts';
import { readForm } from '../form-input.ts';
import { ChoosePasswordForm, ChoosePasswordPage } from '../pages/choose-password.tsx';
import type { FieldErrors } from '../views/form.tsx';
import { clientActor, newClientRoutes, requireSession, type Site } from '../site.tsx';
import { redirectAfterPost, sendForm, sendPage } from '../views/render.tsx';
import { continueToReturn } from './continue-to-return.tsx';
import { safeReturn, signedInFor } from './oidc-interaction.ts';
import { keptPasswords, newPasswordSchema, type TypedPasswords } from './new-password-input.ts';

/** Mounted at /choose-password: the one page a temporary-password login opens. */
export function choosePasswordRoutes(site: Site) {
  const { deps } = site.app;
  const policy = deps.settings.passwordPolicy;
  const routes = newClientRoutes(site);
  routes.use('*', requireSession(site, 'must-choose'));
  const userNameOf = (clientId: string) => deps.readModels.credentials.getCredential(clientId)?.userName ?? '';

  routes.get('/', (c) => {
    const returnTo = safeReturn(c.req.query('return'));
    const form = (
      <ChoosePasswordForm username={userNameOf(c.var.session.clientId)} policy={policy} returnTo={returnTo} />
    );
    return sendPage(c, site.chrome, { title: 'Choose your new password', content: <ChoosePasswordPage form={form} /> });
  });

  routes.post('/', async (c) => {
    const { session } = c.var;
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const returnTo = safeReturn(typeof body.return === 'string' ? body.return : null);
    const answer = (errors: FieldErrors, typed: TypedPasswords = {}) =>
      sendForm(c, site.chrome, {
        status: 422,
        title: 'Choose your new password',
        form: (
          <ChoosePasswordForm
            username={userNameOf(session.clientId)}
            policy={policy}
            errors={errors}
            typed={typed}
            returnTo={returnTo}
          />
        ),
        page: (form: Child) => <ChoosePasswordPage form={form} />,
      });
    const input = await readForm(c, newPasswordSchema);
    if (!input.ok) return answer(input.errors, keptPasswords(input.raw, input.errors));
    const chosen = await choosePermanentPassword(
      deps,
      { clientId: session.clientId, newPassword: input.value.newPassword },
      { actor: clientActor(session) },
    );
    if (!chosen.ok) {
      // The temporary password is never written back into the page.
      if (chosen.error.code === 'same_as_temporary') return answer({ newPassword: chosen.error.message });
      if (chosen.error.code === 'weak_password')
        return answer({ newPassword: chosen.error.message }, keptPasswords(input.value));
      site.sessions.end(c);
      return redirectAfterPost(c, '/login');
    }
    // Choosing ends every earlier session, this one included: carry on under a new full one.
    await site.sessions.start(c, {
      clientId: session.clientId,
      sessionVersion: chosen.value.sessionVersion,
      mustChoosePassword: false,
      keptSignedIn: session.keptSignedIn,
      ...signedInFor(returnTo, 'temporary password'),
    });
    return returnTo ? continueToReturn(c, site.chrome, returnTo) : redirectAfterPost(c, '/account?notice=password-set');
  });

  return routes;
}
