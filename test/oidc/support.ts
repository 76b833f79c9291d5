import { createServer } from 'node:net';
import * as client from 'openid-client';
import { expect } from 'vitest';
import { registerOidcApp } from '../../src/oidc/apps.ts';
import { staff, type TestApp } from '../support/app.ts';

/** A port nobody listens on now, so a business's public origin can name it before the server starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** An app registered with Latchkey: what its portal is given. */
export interface RegisteredApp {
  readonly appId: string;
  readonly clientSecret: string;
}

/** openid-client's discovery of a business's issuer (`<origin>/oidc`), as a portal on plain http. */
export function discoverIssuer(origin: string, app: RegisteredApp): Promise<client.Configuration> {
  return client.discovery(new URL(`${origin}/oidc`), app.appId, app.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
}

/**
 * An authorization request as a portal builds one: the code flow with PKCE (S256), a state and a
 * nonce; `checks` is what the portal then holds the answer to.
 */
export async function authorizationRequest(
  config: client.Configuration,
  redirectUri: string,
  extra: Record<string, string> = {},
) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return {
    url,
    verifier,
    state,
    nonce,
    checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce },
  };
}

export async function addApp(
  app: TestApp,
  businessId: string,
  redirectUri: string,
  options: { name?: string; backchannelLogoutUri?: string } = {},
): Promise<RegisteredApp> {
  const registered = await registerOidcApp(
    app.deps,
    {
      businessId,
      name: options.name ?? 'Portal',
      redirectUris: [redirectUri],
      postLogoutRedirectUris: [],
      backchannelLogoutUri: options.backchannelLogoutUri ?? null,
    },
    { actor: staff },
  );
  if (!registered.ok) throw new Error(registered.error.message);
  return { appId: registered.value.app.appId, clientSecret: registered.value.clientSecret };
}

/**
 * A browser as far as the sign-in needs one: it keeps every cookie each host sets (path and
 * Secure aside: the test server is plain http on 127.0.0.1), follows nothing by itself, and posts
 * forms with the Origin header of the page they are on.
 */
export class Browser {
  readonly #cookies = new Map<string, Map<string, string>>();
  /** Every address this browser was sent to, in order. */
  readonly visited: string[] = [];

  async get(url: string | URL): Promise<Response> {
    return this.#send(new URL(url), { method: 'GET' });
  }

  async post(url: string | URL, form: Record<string, string>): Promise<Response> {
    const target = new URL(url);
    return this.#send(target, {
      method: 'POST',
      headers: { origin: target.origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Logs in at `origin`'s form for the sign-in waiting at `returnTo` (an /oidc/interaction/ path),
   * checks the login sends the browser straight back to it, and follows on until `portal`.
   */
  async logInAndReturn(
    origin: string,
    returnTo: string,
    login: { username: string; password: string },
    portal: string,
  ) {
    const loggedIn = await this.post(`${origin}/login`, { ...login, return: returnTo });
    expect(loggedIn.headers.get('location')).toBe(returnTo);
    return this.follow(new URL(returnTo, origin), portal);
  }

  /** Follows redirects from `url` until one leaves for `stopAt` (returned, not fetched) or a page answers. */
  async follow(url: string | URL, stopAt: string): Promise<{ response: Response | null; url: URL }> {
    let current = new URL(url);
    for (let hops = 0; hops < 12; hops++) {
      if (current.href.startsWith(stopAt)) return { response: null, url: current };
      const response = await this.get(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      current = new URL(location, current);
    }
    throw new Error('too many redirects');
  }

  async #send(url: URL, init: RequestInit): Promise<Response> {
    this.visited.push(url.pathname + url.search);
    const jar = this.#cookies.get(url.host) ?? new Map<string, string>();
    this.#cookies.set(url.host, jar);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }
}

/** The value of a hidden field in a page's form, or null. */
export function hiddenField(html: string, name: string): string | null {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  return match?.[1]?.replaceAll('&amp;', '&') ?? null;
}
