import type Provider from 'oidc-provider';
import type { InteractionResults, KoaContextWithOIDC } from 'oidc-provider';
import { recordAppSignIn } from '../app/client-sessions.ts';
import type { AppDeps } from '../app/deps.ts';
import { appSignInMethods, type AppSignInMethod } from '../domain/session.ts';
import type { Logger } from '../logger.ts';

/** The key under which an interaction's result says how the client signed in (read back at the end). */
export const signInMethodKey = 'latchkeySignInMethod';

/** How the sign-in that a resumed authorization finishes was made; none when no interaction said. */
export function signInMethodOf(result: InteractionResults | undefined): AppSignInMethod | null {
  const method = result?.[signInMethodKey];
  return appSignInMethods.find((known) => known === method) ?? null;
}

/**
 * Every sign-in to an app becomes a `ClientSignedInToApp` event, exactly once: when the provider
 * has issued the app its code ('authorization.success', which fires once per completed
 * authorization, after an interaction or straight from the provider's session) and before the
 * redirect carrying the code leaves. An authorization that did not go through Latchkey's
 * interaction is single sign-on. When the event cannot be recorded the code is destroyed and the
 * browser gets an error page instead of the redirect: an unrecorded sign-in never reaches the app.
 */
export function recordSignInsToApps(provider: Provider, deps: AppDeps, logger?: Logger): void {
  const succeeded = new WeakSet<object>();
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => succeeded.add(ctx));
  provider.use(async function recordSignInToApp(ctx, next) {
    await next();
    if (!succeeded.has(ctx)) return;
    const { oidc } = ctx as KoaContextWithOIDC;
    const code = oidc.entities.AuthorizationCode;
    const clientId = code?.accountId ?? oidc.session?.accountId;
    const appId = oidc.client?.clientId;
    if (!clientId || !appId) return;
    const method = (oidc.route === 'resume' ? signInMethodOf(oidc.result) : null) ?? 'single sign-on';
    try {
      await recordAppSignIn(deps, { clientId, appId, method });
    } catch (error) {
      logger?.error({ err: error, clientId, appId }, 'a sign-in to an app could not be recorded; it was stopped');
      await code?.destroy().catch(() => undefined);
      ctx.remove('Location');
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'This sign-in could not be completed just now. Go back to the portal and try again in a minute.\n';
    }
  });
}
