import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import {
  checkResetToken,
  completePasswordReset,
  requestPasswordReset,
  requestUserNameReminder,
} from '../../app/recovery.ts';
import { readForm } from '../form-input.ts';
import {
  ForgotPasswordForm,
  ForgotPasswordPage,
  ForgotUserNameForm,
  ForgotUserNamePage,
  ResetLinkInvalid,
  ResetPasswordForm,
  ResetPasswordPage,
  ResetRequestedPage,
  UserNameRequestedPage,
} from '../pages/recovery.tsx';
import type { FieldErrors } from '../views/form.tsx';
import { newClientRoutes, type Site } from '../site.tsx';
import { redirectAfterPost, sendForm, sendMain, sendPage } from '../views/render.tsx';
import { createPortalReturnCookie, withReturn } from '../portal-return.ts';
import { continueToReturn } from './continue-to-return.tsx';
import { keptPasswords, newPasswordSchema, type TypedPasswords } from './new-password-input.ts';
import { safeReturn, signedInFor } from './oidc-interaction.ts';

const emailField = z
  .string({ error: 'Enter your email address' })
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'An email address has at most 254 characters')
  .regex(/^[^\s@]+@[^\s@]+$/, 'Enter an email address like name@example.com');

const forgotPasswordSchema = z.object({
  identifier: z
    .string({ error: 'Enter your user name or email address' })
    .trim()
    .min(1, 'Enter your user name or email address')
    .max(254, 'A user name or email address has at most 254 characters'),
  return: z.string().optional(),
});

const forgotUserNameSchema = z.object({ email: emailField, return: z.string().optional() });

/** Mounted at /forgot-password. */
export function forgotPasswordRoutes(site: Site) {
  const { deps } = site.app;
  const linkMinutes = Math.round(deps.settings.resetLinkTtlSeconds / 60);
  const routes = newClientRoutes(site);
  const returnCookie = createPortalReturnCookie(site.app.config.publicOrigin);
  const page = (returnTo: string | null) => (form: Child) => (
    <ForgotPasswordPage form={form} linkMinutes={linkMinutes} returnTo={returnTo} />
  );

  routes.get('/', (c) => {
    const returnTo = safeReturn(c.req.query('return'));
    const content = page(returnTo)(<ForgotPasswordForm returnTo={returnTo} />);
    return sendPage(c, site.chrome, { title: 'Forgot your password?', content });
  });

  routes.post('/', async (c) => {
    const input = await readForm(c, forgotPasswordSchema);
    const returnTo = safeReturn(input.ok ? input.value.return : input.raw.return);
    if (!input.ok) {
      const form = <ForgotPasswordForm values={input.raw} errors={input.errors} returnTo={returnTo} />;
      return sendForm(c, site.chrome, { status: 422, title: 'Forgot your password?', form, page: page(returnTo) });
    }
    await requestPasswordReset(deps, { identifier: input.value.identifier });
    // Set whatever matched, so the answer still says nothing about who is a client. The latest
    // request decides: one made outside a sign-in forgets a return an earlier one left.
    if (returnTo) returnCookie.write(c, returnTo);
    else returnCookie.clear(c);
    return redirectAfterPost(c, withReturn('/forgot-password/sent', returnTo));
  });

  routes.get('/sent', (c) =>
    sendPage(c, site.chrome, {
      title: 'Check your email',
      content: (
        <ResetRequestedPage
          linkMinutes={linkMinutes}
          businessName={site.chrome.businessName}
          returnTo={safeReturn(c.req.query('return'))}
        />
      ),
    }),
  );

  return routes;
}

/** Mounted at /forgot-username. */
export function forgotUserNameRoutes(site: Site) {
  const { deps } = site.app;
  const routes = newClientRoutes(site);
  const page = (returnTo: string | null) => (form: Child) => <ForgotUserNamePage form={form} returnTo={returnTo} />;

  routes.get('/', (c) => {
    const returnTo = safeReturn(c.req.query('return'));
    const content = page(returnTo)(<ForgotUserNameForm returnTo={returnTo} />);
    return sendPage(c, site.chrome, { title: 'Forgot your user name?', content });
  });

  // The user name goes by email; the client comes back to the login form, which carries the return.
  routes.post('/', async (c) => {
    const input = await readForm(c, forgotUserNameSchema);
    const returnTo = safeReturn(input.ok ? input.value.return : input.raw.return);
    if (!input.ok) {
      const form = <ForgotUserNameForm email={input.raw.email ?? ''} errors={input.errors} returnTo={returnTo} />;
      return sendForm(c, site.chrome, { status: 422, title: 'Forgot your user name?', form, page: page(returnTo) });
    }
    await requestUserNameReminder(deps, { email: input.value.email });
    return redirectAfterPost(c, withReturn('/forgot-username/sent', returnTo));
  });

  routes.get('/sent', (c) =>
    sendPage(c, site.chrome, {
      title: 'Check your email',
      content: (
        <UserNameRequestedPage businessName={site.chrome.businessName} returnTo={safeReturn(c.req.query('return'))} />
      ),
    }),
  );

  return routes;
}

/**
 * Mounted at /reset. Opening the link (GET) only checks it, so a mail scanner that follows
 * links cannot use it up; the form's POST does. The token is in the path: the site-wide
 * Referrer-Policy: no-referrer keeps it from leaving with a click, and nothing here logs the path.
 */
export function resetRoutes(site: Site) {
  const { deps } = site.app;
  const policy = deps.settings.passwordPolicy;
  const routes = newClientRoutes(site);
  const returnCookie = createPortalReturnCookie(site.app.config.publicOrigin);
  const invalidLink = (c: Context) =>
    sendMain(c, site.chrome, { status: 404, title: 'Error: This link no longer works', content: <ResetLinkInvalid /> });

  routes.get('/:token', async (c) => {
    const checked = await checkResetToken(deps, c.req.param('token'));
    if (!checked.ok) return invalidLink(c);
    const form = <ResetPasswordForm action={c.req.path} username={checked.value.userName} policy={policy} />;
    return sendPage(c, site.chrome, {
      title: 'Choose a new password',
      content: <ResetPasswordPage username={checked.value.userName} form={form} returnTo={returnCookie.read(c)} />,
    });
  });

  routes.post('/:token', async (c) => {
    const token = c.req.param('token');
    const checked = await checkResetToken(deps, token);
    if (!checked.ok) return invalidLink(c);
    const { userName } = checked.value;
    const answer = (errors: FieldErrors, typed: TypedPasswords = {}) =>
      sendForm(c, site.chrome, {
        status: 422,
        title: 'Choose a new password',
        form: (
          <ResetPasswordForm action={c.req.path} username={userName} policy={policy} errors={errors} typed={typed} />
        ),
        page: (form: Child) => <ResetPasswordPage username={userName} form={form} returnTo={returnCookie.read(c)} />,
      });
    const input = await readForm(c, newPasswordSchema);
    if (!input.ok) return answer(input.errors, keptPasswords(input.raw, input.errors));
    const completed = await completePasswordReset(deps, { token, newPassword: input.value.newPassword });
    if (!completed.ok)
      return completed.error.code === 'weak_password'
        ? answer({ newPassword: completed.error.message }, keptPasswords(input.value))
        : invalidLink(c);
    // The link proved the client holds the email on file, and the reset ended every earlier
    // session: this browser carries on under a new one at the new version, and back to the
    // portal's sign-in when this browser asked for the link during one.
    const returnTo = returnCookie.read(c);
    returnCookie.clear(c);
    await site.sessions.start(c, {
      clientId: completed.value.clientId,
      sessionVersion: completed.value.sessionVersion,
      mustChoosePassword: false,
      ...signedInFor(returnTo, 'password reset'),
    });
    return returnTo
      ? continueToReturn(c, site.chrome, returnTo)
      : redirectAfterPost(c, '/account?notice=password-reset');
  });

  return routes;
}
