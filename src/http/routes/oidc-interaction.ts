import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { InteractionResults } from 'oidc-provider';
import type { AppSignInMethod } from '../../domain/session.ts';
import { signInMethodKey, signInMethodOf } from '../../oidc/app-sign-ins.ts';
import type { OidcHost } from '../../oidc/hosting.ts';
import type { PresentedSession, SignedInFor } from '../session.ts';
import { newClientRoutes, sendProblem, type Site } from '../site.tsx';

/** The provider's interaction addresses: the only places a login may send the browser back to. */
const interactionPath = /^\/oidc\/interaction\/[A-Za-z0-9_-]{1,128}$/;

/**
 * The `return` a login form carries: a path of this site under /oidc/interaction/, or nothing.
 * Absolute addresses, `//host` and anything else are dropped, so the login never sends the
 * browser anywhere it was told to.
 */
export function safeReturn(value: string | undefined | null): string | null {
  return typeof value === 'string' && interactionPath.test(value) ? value : null;
}

/** Where a login carrying a return goes next: through "choose your new password" first when it must. */
export function afterLogin(mustChoosePassword: boolean, returnTo: string | null): string {
  const query = returnTo ? `?return=${encodeURIComponent(returnTo)}` : '';
  if (mustChoosePassword) return `/choose-password${query}`;
  return returnTo ?? '/account';
}

/** What a session started to carry on a portal's sign-in records: nothing when there is no return. */
export function signedInFor(
  returnTo: string | null,
  method: SignedInFor['method'],
): { signedInFor: SignedInFor } | Record<string, never> {
  return returnTo ? { signedInFor: { interaction: returnTo, method } } : {};
}

/** A login, password choice or reset made for this interaction says how; any other session is single sign-on. */
function methodFor(session: PresentedSession, interaction: string): AppSignInMethod {
  return session.signedInFor?.interaction === interaction ? session.signedInFor.method : 'single sign-on';
}

/**
 * The app asked for a login made now (prompt=login), or no older than max_age seconds: a session
 * whose password was entered for this very sign-in answers both; any other is asked again. A
 * session is issued only when a password is entered (log in, choose, reset or change one), so its
 * issue time is when the client last proved who she is.
 */
function asksForFreshLogin(
  details: { readonly params: Record<string, unknown>; readonly lastSubmission?: InteractionResults | undefined },
  session: PresentedSession,
  here: string,
  now: Date,
): boolean {
  // Logged in for this interaction, or for this authorization's earlier one (a consent follows a login).
  if (session.signedInFor?.interaction === here || details.lastSubmission?.login) return false;
  const prompts = typeof details.params.prompt === 'string' ? details.params.prompt.split(' ') : [];
  if (prompts.includes('login')) return true;
  const maxAge = Number(details.params.max_age);
  return Number.isFinite(maxAge) && now.getTime() - Date.parse(session.issuedAt) > maxAge * 1000;
}

/**
 * A Latchkey log-out ends this browser's provider session too (the provider's session cookie names
 * it), with back-channel logout to every app it signed in to. The provider session must be the
 * same client's. A failure is logged and never stops the log-out.
 */
export async function endBrowserProviderSession(site: Site, c: Context, clientId: string): Promise<void> {
  if (!site.oidc) return;
  try {
    const host = await site.oidc();
    const sessionId = getCookie(c, host.provider.cookieName('session'));
    if (sessionId) await host.logout.endBrowserSession(sessionId, clientId);
  } catch (error) {
    site.logger?.error(
      { err: error, clientId },
      'could not end the browser’s portal session; it ends when it expires or at log-out everywhere',
    );
  }
}

/**
 * Mounted at /oidc/interaction. The provider sends the browser here when it needs the client
 * signed in; Latchkey's own login is that sign-in. Without a session the browser goes to /login
 * (and /choose-password), which bring it back here; with one, the interaction ends with the
 * client's id as the account, and the provider carries on to the app.
 */
export function oidcInteractionRoutes(site: Site, hostOf: () => Promise<OidcHost>) {
  const routes = newClientRoutes(site);
  routes.get('/:uid', async (c) => {
    const { provider } = await hostOf();
    const { incoming, outgoing } = c.env as HttpBindings;
    const expired = () =>
      sendProblem(
        c,
        site,
        404,
        'This sign-in has expired',
        'Go back to the app you came from and sign in again from there.',
        { 'Cache-Control': 'no-store' },
      );
    const details = await provider.interactionDetails(incoming, outgoing).catch(() => null);
    if (!details || details.uid !== c.req.param('uid')) return expired();
    const here = `/oidc/interaction/${details.uid}`;
    const session = await site.sessions.current(c);
    if (!session) return c.redirect(`/login?return=${encodeURIComponent(here)}`, 303);
    if (session.mustChoosePassword) return c.redirect(afterLogin(true, here), 303);
    if (asksForFreshLogin(details, session, here, site.app.deps.clock.now()))
      return c.redirect(`/login?return=${encodeURIComponent(here)}&notice=sign-in-again`, 303);
    // The provider's auth_time is when this session's password was entered, not now.
    const authenticatedAt = Math.floor(Date.parse(session.issuedAt) / 1000);
    let result: InteractionResults;
    const clientId = String(details.params.client_id);
    const firstParty = site.app.deps.readModels.oidcApps.getApp(site.app.deps.businessId, clientId)?.firstParty;
    if (details.prompt.name !== 'consent' || details.session?.accountId !== session.clientId) {
      // No provider session, or another client's: this browser's client signs in.
      result = {
        login: { accountId: session.clientId, ts: authenticatedAt },
        [signInMethodKey]: methodFor(session, here),
      };
    } else if (firstParty) {
      // Consent is asked again when the app asks with prompt=consent (needed for offline_access):
      // a first-party app is granted what it asked for, with no page.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.clientId, clientId });
      if (!grant) return expired();
      const missingScopes = details.prompt.details.missingOIDCScope;
      if (Array.isArray(missingScopes)) grant.addOIDCScope(missingScopes.join(' '));
      const missingClaims = details.prompt.details.missingOIDCClaims;
      if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims.map(String));
      // A consent asked right after this interaction's login keeps that login's method.
      const method = signInMethodOf(details.lastSubmission) ?? methodFor(session, here);
      result = { consent: { grantId: await grant.save() }, [signInMethodKey]: method };
    } else {
      result = {
        error: 'consent_required',
        error_description: 'This app is not registered as first party, and Latchkey has no consent page yet.',
      };
    }
    const next = await provider.interactionResult(incoming, outgoing, result, { mergeWithLastSubmission: false });
    c.header('Cache-Control', 'no-store');
    return c.redirect(next, 303);
  });
  return routes;
}
