import type { Context } from 'hono';
import { z } from 'zod';
import { signIn } from '../../app/sign-in.ts';
import { formatMailDateTime } from '../../mail/templates.ts';
import { readForm } from '../form-input.ts';
import { LoginForm, LoginPage, loginNotices, type LoginNotice } from '../pages/login.tsx';
import { newClientRoutes, type Site } from '../site.tsx';
import { redirectAfterPost, sendForm, sendPage, type Markup } from '../views/render.tsx';
import { endSession } from '../../app/logins.ts';
import { parseDeviceFamily } from '../user-agent.ts';
import { oidcMountPath } from '../../oidc/routes.ts';
import { continueToReturn } from './continue-to-return.tsx';
import { afterLogin, endBrowserProviderSession, safeReturn, signedInFor } from './oidc-interaction.ts';

const userNameField = z
  .string({ error: 'Enter your user name' })
  .trim()
  .min(1, 'Enter your user name')
  .max(254, 'A user name has at most 254 characters');

const loginSchema = z.object({
  username: userNameField,
  password: z
    .string({ error: 'Enter your password' })
    .min(1, 'Enter your password')
    .max(1024, 'A password has at most 1024 characters'),
  keepSignedIn: z.literal('on').optional(),
  return: z.string().optional(),
});

/** Mounted at /login. */
export function loginRoutes(site: Site) {
  const { deps } = site.app;
  const routes = newClientRoutes(site);

  routes.get('/', async (c) => {
    const session = await site.sessions.current(c);
    // A portal's sign-in sends the browser here with where to go back to (src/http/routes/oidc-interaction.ts).
    const returnTo = safeReturn(c.req.query('return'));
    const notice = parseLoginNotice(c.req.query('notice'));
    // A portal that asks for a fresh login (prompt=login, max_age) gets the form even with a session.
    const signInAgain = session !== null && returnTo !== null && notice === 'sign-in-again';
    if (session && !signInAgain) return c.redirect(afterLogin(session.mustChoosePassword, returnTo), 303);
    // The credentials email links here with the user name, so a first login is one password to paste;
    // signing in again, the user name is the session's.
    const prefill = userNameField.safeParse(
      signInAgain ? deps.readModels.credentials.getCredential(session.clientId)?.userName : c.req.query('username'),
    );
    const form = prefill.success ? (
      <LoginForm businessName={site.chrome.businessName} username={prefill.data} returnTo={returnTo} prefilled />
    ) : (
      <LoginForm businessName={site.chrome.businessName} returnTo={returnTo} />
    );
    return sendPage(c, site.chrome, {
      title: 'Log in',
      content: <LoginPage form={form} notice={notice} returnTo={returnTo} />,
    });
  });

  routes.post('/', async (c) => {
    const input = await readForm(c, loginSchema);
    const returnTo = safeReturn(input.ok ? input.value.return : input.raw.return);
    const answer = (form: Markup) =>
      sendForm(c, site.chrome, {
        status: 422,
        title: 'Log in',
        form,
        page: (f) => <LoginPage form={f} returnTo={returnTo} />,
      });
    if (!input.ok)
      return answer(
        <LoginForm
          businessName={site.chrome.businessName}
          returnTo={returnTo}
          username={input.raw.username ?? ''}
          errors={input.errors}
          keepSignedIn={input.raw.keepSignedIn === 'on'}
        />,
      );
    const deviceToken = site.devices.read(c);
    const signedIn = await signIn(
      deps,
      {
        userName: input.value.username,
        password: input.value.password,
        deviceFamily: parseDeviceFamily(c.req.header('user-agent')),
        ...(deviceToken ? { deviceToken } : {}),
      },
      {},
    );
    const keepSignedIn = input.value.keepSignedIn === 'on';
    // One answer for every kind of failure (and throttling), so nobody can learn which it was;
    // only the holder of an older email's real password learns that a newer email replaced it.
    if (!signedIn.ok && signedIn.error.code === 'superseded_temporary')
      return answer(
        <LoginForm
          businessName={site.chrome.businessName}
          returnTo={returnTo}
          username={input.value.username}
          replacedOn={formatMailDateTime(signedIn.error.replacedAt, site.app.config.businessTimeZone)}
          keepSignedIn={keepSignedIn}
        />,
      );
    if (!signedIn.ok)
      return answer(
        <LoginForm
          businessName={site.chrome.businessName}
          returnTo={returnTo}
          username={input.value.username}
          keepSignedIn={keepSignedIn}
          failed
        />,
      );
    site.devices.write(c, signedIn.value.deviceToken);
    const { clientId, sessionVersion, mustChoosePassword } = signedIn.value;
    await site.sessions.start(c, {
      clientId,
      sessionVersion,
      mustChoosePassword,
      keptSignedIn: keepSignedIn,
      ...signedInFor(returnTo, mustChoosePassword ? 'temporary password' : 'password'),
    });
    if (returnTo && !mustChoosePassword) return continueToReturn(c, site.chrome, returnTo);
    return redirectAfterPost(c, afterLogin(mustChoosePassword, returnTo));
  });

  return routes;
}

/** Mounted at /logout. Ends this browser's session, copies of its token included; "log out everywhere" is on the account page. */
export function logoutRoutes(site: Site) {
  const routes = newClientRoutes(site);
  /** Ends this browser's session (copies of its token included) and clears its cookie; whose it was, or null. */
  async function endThisSession(c: Context): Promise<string | null> {
    const session = await site.sessions.current(c);
    if (session) {
      const { clientId, id: sessionId, expiresAt } = session;
      await endSession(site.app.deps, { clientId, sessionId, expiresAt }, { actor: { kind: 'client', id: clientId } });
    }
    site.sessions.end(c);
    return session?.clientId ?? null;
  }
  routes.post('/', async (c) => {
    const clientId = await endThisSession(c);
    if (clientId) await endBrowserProviderSession(site, c, clientId);
    return redirectAfterPost(c, '/login?notice=logged-out');
  });
  // /logout/portal (portalLogoutPath): "Yes, log me out" on the provider's page when a portal logs
  // the client out. Without it her Latchkey session would outlive the portal's log-out and sign the
  // next person at this browser in to the portal with no form. The session ends here; a 307 sends
  // the same form (its xsrf and logout fields, unread here) on to the provider, which ends its own
  // session and goes back to the portal.
  routes.post('/portal', async (c) => {
    await endThisSession(c);
    c.header('Cache-Control', 'no-store');
    return c.redirect(`${oidcMountPath}/session/end/confirm`, 307);
  });
  return routes;
}

function parseLoginNotice(value: string | undefined): LoginNotice | null {
  return value !== undefined && Object.hasOwn(loginNotices, value) ? (value as LoginNotice) : null;
}
