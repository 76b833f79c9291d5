import type { Hono } from 'hono';
import { assignLogin, issueTempPassword } from '../../src/app/logins.ts';
import { issueResetLink } from '../../src/app/recovery.ts';
import { choosePermanentPassword, signIn } from '../../src/app/sign-in.ts';
import { credentialStream } from '../../src/domain/credential/events.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { deviceCookieName } from '../../src/http/device-cookie.ts';
import { sessionCookieName } from '../../src/http/session.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';

export const origin = 'http://localhost:3000';
export const strongPassword = 'velvet otter juggles lanterns';
export const otherStrongPassword = 'copper kettle whistles softly';

/**
 * A cookie jar over app.request(): keeps the session cookie the site sets and sends it back,
 * and posts forms the way a browser on the site's own origin does.
 */
export class SiteClient {
  cookie: string | null = null;
  /** The device cookie a successful login leaves (kept across log out, as a browser keeps it). */
  deviceCookie: string | null = null;

  constructor(
    private readonly http: Hono,
    private readonly env?: unknown,
    /** The business origin this browser has open: its Host and Origin headers, and its cookies' names. */
    private readonly siteOrigin: string = origin,
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.keep(
      await this.http.request(path, { headers: this.withCookie({ host: this.host, ...headers }) }, this.env),
    );
  }

  async post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
    const init = {
      method: 'POST',
      headers: this.withCookie({
        host: this.host,
        origin: this.siteOrigin,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      }),
      body: new URLSearchParams(form).toString(),
    };
    return this.keep(await this.http.request(path, init, this.env));
  }

  private get host(): string {
    return new URL(this.siteOrigin).host;
  }

  private withCookie(headers: Record<string, string>): Record<string, string> {
    const pairs = [
      ...(this.cookie ? [`${sessionCookieName}=${this.cookie}`] : []),
      ...(this.deviceCookie ? [`${deviceCookieName(this.siteOrigin)}=${this.deviceCookie}`] : []),
    ];
    return pairs.length > 0 ? { cookie: pairs.join('; '), ...headers } : headers;
  }

  private keep(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const [name, value = ''] = pair.split('=');
      const kept = attributes.includes('Max-Age=0') || value === '' ? null : value;
      if (name === sessionCookieName) this.cookie = kept;
      if (name === deviceCookieName(this.siteOrigin)) this.deviceCookie = kept;
    }
    return response;
  }
}

export interface Site {
  readonly app: TestApp;
  readonly http: Hono;
  client(env?: unknown): SiteClient;
  dispose(): Promise<void>;
}

export async function createSite(
  env: Record<string, string> = {},
  options: Parameters<typeof createTestApp>[1] = {},
): Promise<Site> {
  const app = await createTestApp({ PUBLIC_ORIGIN: origin, ...env }, options);
  await registerClients(app, [
    { clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia@example.com' },
    { clientId: 'C2', firstName: 'Liam', lastName: 'Garcia', email: 'liam@example.com' },
  ]);
  const siteOrigin = new URL(app.config.publicOrigin).origin;
  const http = withHostHeader(createHttpApp(app), new URL(siteOrigin).host);
  return {
    app,
    http,
    client: (clientEnv) => new SiteClient(http, clientEnv, siteOrigin),
    dispose: () => app.dispose(),
  };
}

/**
 * Every browser names the host it opened (HTTP/1.1 requires it), and the site picks its business
 * by it; app.request() sends none, so requests that name no host get the site's own.
 */
export function withHostHeader(http: Hono, host: string): Hono {
  const request = http.request;
  http.request = (input, init, ...rest) => {
    const headers = new Headers(init?.headers);
    if (!headers.has('host')) headers.set('host', host);
    return request(input, { ...init, headers }, ...rest);
  };
  return http;
}

export async function giveLogin(app: TestApp, clientId: string, userName: string): Promise<void> {
  const assigned = await assignLogin(app.deps, { clientId, userName }, { actor: staff });
  if (!assigned.ok) throw new Error(assigned.error.message);
}

export async function giveTempPassword(app: TestApp, clientId: string): Promise<string> {
  const issued = await issueTempPassword(app.deps, { clientId, delivery: 'shown_to_staff' }, { actor: staff });
  if (!issued.ok) throw new Error(issued.error.message);
  return issued.value.password;
}

/** Through the core, as a client who already went through the first login. */
export async function givePermanentPassword(
  app: TestApp,
  clientId: string,
  userName: string,
  password: string,
): Promise<void> {
  const temp = await giveTempPassword(app, clientId);
  const signedIn = await signIn(app.deps, { userName, password: temp }, {});
  if (!signedIn.ok) throw new Error('temporary login failed');
  const chosen = await choosePermanentPassword(
    app.deps,
    { clientId, newPassword: password },
    { actor: { kind: 'client', id: clientId } },
  );
  if (!chosen.ok) throw new Error(chosen.error.message);
}

/** What the mail relay does for the latest reset request: mint the link's token. */
export async function mintResetToken(app: TestApp, clientId: string): Promise<string> {
  const events = await app.deps.store.readStream(credentialStream(app.deps.businessId, clientId));
  const request = events.filter((event) => event.type === 'PasswordResetRequested').at(-1);
  if (!request) throw new Error(`no reset was requested for ${clientId}`);
  const { requestId } = request.data as { requestId: string };
  const issued = await issueResetLink(
    app.deps,
    { clientId, requestId },
    { actor: { kind: 'system', id: 'mail-relay' }, causationId: request.id },
  );
  if (!issued.ok) throw new Error(issued.error.message);
  return issued.value.token;
}

export async function eventTypes(app: TestApp): Promise<string[]> {
  return (await app.deps.store.readAll({ after: null, limit: 100_000 })).map((event) => event.type);
}

/** The claims inside a session cookie (it is signed, not encrypted). */
export function tokenClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A typo that keeps the generated shape (the last digit changed), so it counts against the password. */
export function mistype(temp: string): string {
  return `${temp.slice(0, -1)}${temp.endsWith('9') ? '8' : '9'}`;
}

/** The same text in full-width forms, which NFKC reads as the plain ones. */
export function fullWidth(text: string): string {
  return text.replace(/[!-~]/g, (ch) => String.fromCodePoint(ch.codePointAt(0)! + 0xfee0));
}

export const hourMs = 3600 * 1000;
export const dayMs = 24 * hourMs;
