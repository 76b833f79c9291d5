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
  type AppItem,
  type SessionItem,
} from '../pages/account.tsx';
import type { PresentedSession, Session } from '../session.ts';
import { endListedSession, listActiveSessions, sessionFingerprintOf } from '../../app/client-sessions.ts';
import { formatMailDateTime } from '../../mail/templates.ts';
import type { FieldErrors } from '../views/form.tsx';
import { clientActor, newClientRoutes, requireSession, type Site } from '../site.tsx';
import { redirectAfterPost, sendForm, sendPage } from '../views/render.tsx';
import { endBrowserProviderSession } from './oidc-interaction.ts';
import { keptPasswords, newPasswordSchema, type TypedPasswords } from './new-password-input.ts';

const changePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: 'Enter your current password' })
      .min(1, 'Enter your current password')
      .max(1024, 'A password has at most 1024 characters'),
  })
  .and(newPasswordSchema);

const endSessionSchema = z.object({ session: z.string().regex(/^[0-9a-f]{32}$/) });
const signOutOfAppSchema = z.object({ app: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) });

/** Mounted at /account: who am I, change password, the sessions list, log out everywhere. */
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

  const sessionsOf = (session: PresentedSession): SessionItem[] => {
    const current = sessionFingerprintOf(deps, session.id);
    return listActiveSessions(deps, session.clientId, site.app.config.sessionIdleTimeoutSeconds).map((listed) => ({
      fingerprint: listed.sessionFingerprint,
      device: `${listed.browser} on ${listed.os}`,
      lastSeen: formatMailDateTime(listed.lastSeenAt, site.app.config.businessTimeZone),
      thisDevice: listed.sessionFingerprint === current,
      keptSignedIn: listed.keptSignedIn,
    }));
  };

  /** The apps she is signed in to; a provider that cannot answer leaves the list out, never the page. */
  const appsOf = async (session: PresentedSession): Promise<AppItem[] | undefined> => {
    if (!site.oidc) return undefined;
    try {
      const { logout } = await site.oidc();
      return (await logout.signedInApps(session.clientId)).map((app) => ({
        appId: app.appId,
        name: app.name,
        signedIn: formatMailDateTime(app.signedInAt.toISOString(), site.app.config.businessTimeZone),
      }));
    } catch (error) {
      site.logger?.error(
        { err: error, clientId: session.clientId },
        'could not list the apps the client is signed in to',
      );
      return undefined;
    }
  };

  routes.get('/', async (c) => {
    const apps = await appsOf(c.var.session);
    const facts = factsOf(c.var.session);
    const form = <ChangePasswordForm username={facts.username} policy={policy} />;
    const content = (
      <AccountPage
        facts={facts}
        form={form}
        sessions={sessionsOf(c.var.session)}
        apps={apps}
        notice={parseAccountNotice(c.req.query('notice'))}
      />
    );
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
        page: (form: Child) => <AccountPage facts={facts} form={form} sessions={sessionsOf(session)} apps={apps} />,
      });
    const apps = await appsOf(session);
    const input = await readForm(c, changePasswordSchema);
    if (!input.ok) return answer(input.errors, keptPasswords(input.raw, input.errors));
    const deviceToken = site.devices.read(c);
    const changed = await changePassword(
      deps,
      {
        clientId: session.clientId,
        currentPassword: input.value.currentPassword,
        newPassword: input.value.newPassword,
        ...(deviceToken ? { deviceToken } : {}),
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
      keptSignedIn: session.keptSignedIn,
    });
    return redirectAfterPost(c, '/account?notice=password-changed');
  });

  routes.post('/sessions/end', async (c) => {
    const { session } = c.var;
    const input = await readForm(c, endSessionSchema);
    // A stale or foreign fingerprint ends nothing and says so no differently: the list shows what is left.
    const ended = input.ok
      ? await endListedSession(deps, { clientId: session.clientId, sessionFingerprint: input.value.session })
      : false;
    if (ended && input.ok && input.value.session === sessionFingerprintOf(deps, session.id)) {
      await endBrowserProviderSession(site, c, session.clientId);
      site.sessions.end(c);
      return redirectAfterPost(c, '/login?notice=logged-out');
    }
    return redirectAfterPost(c, ended ? '/account?notice=session-ended' : '/account');
  });

  // Ends that app's part of her provider sessions (back-channel logout to it, its grant revoked);
  // she stays signed in to her other apps. An app she is not signed in to ends nothing.
  routes.post('/apps/sign-out', async (c) => {
    const { session } = c.var;
    const input = await readForm(c, signOutOfAppSchema);
    if (!input.ok || !site.oidc) return redirectAfterPost(c, '/account');
    const { logout } = await site.oidc();
    const signedOut = await logout.signOutOfApp(session.clientId, input.value.app);
    return redirectAfterPost(c, signedOut ? '/account?notice=app-signed-out' : '/account');
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
