// A business's portal that signs its clients in with their Latchkey login, through OpenID
// Connect with openid-client. It is the smallest portal that does it properly: the code flow with
// PKCE, state and nonce; the session in an httpOnly cookie that names a server-side record; the
// logout sent on to Latchkey; and a back-channel logout endpoint, so a client who logs out of
// Latchkey everywhere (or whose password changes) is logged out here too.
import { randomBytes } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';

export interface PortalOptions {
  /** The business's issuer: `<business origin>/oidc`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where this portal answers, like `http://localhost:4000`; its `/callback` is the registered redirect URI. */
  readonly origin: string;
  /** Shown on the sign-in button. */
  readonly businessName: string;
}

interface SignedIn {
  readonly name: string;
  readonly sub: string;
  /** The provider's session, for back-channel logout. */
  readonly sid: string | undefined;
  readonly idToken: string;
}

interface Pending {
  readonly verifier: string;
  readonly nonce: string;
  readonly at: number;
}

const pendingTtlMs = 10 * 60_000;
const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

const page = (title: string, body: ReturnType<typeof html>) =>
  html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
      </head>
      <body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem">
        ${body}
      </body>
    </html>`;

export async function createPortal(options: PortalOptions): Promise<Hono> {
  const issuer = new URL(options.issuer);
  // Plain http is for a machine's own addresses only (the demo); a real issuer is https.
  const config = await client.discovery(issuer, options.clientId, options.clientSecret, undefined, {
    ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
  });
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
  const redirectUri = `${options.origin}/callback`;
  const { protocol, port } = new URL(options.origin);
  const secure = protocol === 'https:';
  // Cookies do not keep ports apart: two portals on localhost need their own names.
  const sessionCookie = port ? `portal_session_${port}` : 'portal_session';
  const pendingCookie = port ? `portal_sign_in_${port}` : 'portal_sign_in';
  // In memory for the example; a real portal keeps these where its other sessions are.
  const sessions = new Map<string, SignedIn>();
  const pending = new Map<string, Pending>();

  const signedIn = (c: Context) => {
    const id = getCookie(c, sessionCookie);
    return id ? sessions.get(id) : undefined;
  };

  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.get('/', (c) => {
    const session = signedIn(c);
    if (!session)
      return c.html(
        page(
          options.businessName,
          html`<h1>${options.businessName} client portal</h1>
            <p><a href="/login">Sign in with ${options.businessName}</a></p>`,
        ),
      );
    return c.html(
      page(
        options.businessName,
        html`<h1>Hello, ${session.name}</h1>
          <p>You are signed in to the ${options.businessName} client portal.</p>
          <form method="post" action="/logout"><button type="submit">Log out</button></form>`,
      ),
    );
  });

  app.get('/login', async (c) => {
    const state = client.randomState();
    const entry = { verifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce(), at: Date.now() };
    for (const [key, old] of pending) if (Date.now() - old.at > pendingTtlMs) pending.delete(key);
    pending.set(state, entry);
    setCookie(c, pendingCookie, state, { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge: 600 });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(entry.verifier),
      code_challenge_method: 'S256',
      state,
      nonce: entry.nonce,
    });
    return c.redirect(url.href, 303);
  });

  app.get('/callback', async (c) => {
    const state = getCookie(c, pendingCookie);
    const entry = state ? pending.get(state) : undefined;
    deleteCookie(c, pendingCookie, { path: '/' });
    if (!state || !entry)
      return c.html(page('Sign-in expired', html`<p>That sign-in expired. <a href="/login">Start again</a>.</p>`), 400);
    pending.delete(state);
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(c.req.url, options.origin), {
        pkceCodeVerifier: entry.verifier,
        expectedState: state,
        expectedNonce: entry.nonce,
      });
      const claims = tokens.claims()!;
      // The ID token says who signed in; the profile (her name) comes from userinfo.
      const profile = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, {
        name: typeof profile.name === 'string' ? profile.name : claims.sub,
        sub: claims.sub,
        sid: typeof claims.sid === 'string' ? claims.sid : undefined,
        idToken: tokens.id_token!,
      });
      setCookie(c, sessionCookie, id, { httpOnly: true, secure, sameSite: 'Lax', path: '/' });
      return c.redirect('/', 303);
    } catch (error) {
      const reason = error instanceof client.ResponseBodyError ? error.error : 'the answer did not check out';
      return c.html(
        page('Sign-in failed', html`<p>Sign-in failed (${reason}). <a href="/login">Try again</a>.</p>`),
        400,
      );
    }
  });

  app.post('/logout', (c) => {
    const id = getCookie(c, sessionCookie);
    const session = id ? sessions.get(id) : undefined;
    if (id) sessions.delete(id);
    deleteCookie(c, sessionCookie, { path: '/' });
    if (!session) return c.redirect('/', 303);
    // Ends the Latchkey side too, then comes back here.
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: `${options.origin}/`,
    });
    return c.redirect(url.href, 303);
  });

  // Latchkey posts a signed logout token here when the client's Latchkey sessions end.
  app.post('/backchannel-logout', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.logout_token === 'string' ? form.logout_token : '';
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: config.serverMetadata().issuer,
        audience: options.clientId,
        maxTokenAge: '2 minutes',
      });
      const events = payload.events as Record<string, unknown> | undefined;
      if (!events || !(backchannelLogoutEvent in events) || 'nonce' in payload) throw new Error('not a logout token');
      if (payload.sid === undefined && payload.sub === undefined) throw new Error('names no session');
      for (const [id, session] of sessions)
        if (
          (payload.sid !== undefined && session.sid === payload.sid) ||
          (payload.sid === undefined && session.sub === payload.sub)
        )
          sessions.delete(id);
      return c.body(null, 200);
    } catch {
      return c.json({ error: 'invalid_request' }, 400);
    }
  });

  return app;
}

export async function startPortal(options: PortalOptions & { readonly port: number; readonly host?: string }) {
  const app = await createPortal(options);
  return new Promise<ServerType>((resolve) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host ?? '127.0.0.1' }, () =>
      resolve(server),
    );
  });
}
