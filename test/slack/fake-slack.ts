import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSlackCall } from './block-kit.ts';

/** One call the bot made to the fake Slack: a Web API method, or a POST to a response_url. */
export interface SlackCall {
  readonly method: string;
  readonly body: Record<string, unknown>;
  /**
   * The token the call was made with: the Authorization header's bearer token (how the WebClient
   * sends it), else a `token` field of the form; null when there was none.
   */
  readonly token: string | null;
}

export interface FakeSlack {
  /** Base of the fake Web API, for SLACK_API_URL. */
  readonly apiUrl: string;
  /** A response_url the fake records under the method name "response_url". */
  responseUrl(id: string): string;
  readonly calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Members of each channel, as conversations.members answers. */
  readonly channelMembers: Map<string, string[]>;
  /** Makes the next call to a method fail with a Slack error (called twice, the next two). */
  failNext(method: string, error: string): void;
  /** Makes the next POST to a response_url answer with this HTTP status, as an expired one does (404). */
  failNextResponseUrl(status: number): void;
  /**
   * From now on each response_url works this many times and is then gone, as one that expired
   * while the bot worked: Slack answers 404 with `expired_url`.
   */
  expireResponseUrlsAfter(uses: number): void;
  /**
   * Every payload the strict Block Kit check refused, with what was wrong. The harness fails a
   * test that leaves any here: it is a payload real Slack would have refused.
   */
  readonly refusals: { method: string; problems: string[] }[];
  /** What apps.connections.open answers (Socket Mode), when set. */
  socketModeUrl: string | null;
  /** Resolves once the bot has called this method (at once if it already has). */
  called(method: string): Promise<void>;
  /**
   * The Slack app `oauth.v2.access` checks codes against (client id and secret, registered redirect
   * URL), and the codes Slack would hand an installer who approved: each works once.
   */
  readonly oauthApp: { clientId: string; clientSecret: string; redirectUri: string };
  grantOAuthCode(code: string, grant: OAuthGrant): void;
  /** While set, apps.connections.open waits for it: Slack slow or away. */
  socketModeGate: Promise<void> | null;
  close(): Promise<void>;
}

/** What an approved install hands back, as `oauth.v2.access` answers it. */
export interface OAuthGrant {
  readonly teamId: string;
  readonly teamName: string;
  readonly installerId: string;
  readonly botToken: string;
  readonly botUserId?: string;
  readonly enterprise?: boolean;
}

export const fakeOAuthApp = {
  clientId: '1111111111.2222222222',
  clientSecret: 'fake-client-secret-0123456789',
} as const;

/**
 * A local stand-in for the Slack Web API (beyond the network edge we cannot reach in tests):
 * records what the real Bolt and WebClient send, and answers like Slack does.
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const channelMembers = new Map<string, string[]>();
  const failures = new Map<string, string[]>();
  const refusals: { method: string; problems: string[] }[] = [];
  const responseUrlStatuses: number[] = [];
  const responseUrlUses = new Map<string, number>();
  let responseUrlLifetime = Infinity;
  let messageCounter = 0;
  const waiters: { method: string; resolve: () => void }[] = [];
  const oauthCodes = new Map<string, OAuthGrant>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = new URL(request.url ?? '/', 'http://fake').pathname;
      const method = path.startsWith('/response/') ? 'response_url' : path.replace(/^\/api\//, '');
      calls.push({ method, body, token: tokenOf(request, body) });
      for (const waiter of waiters.filter((w) => w.method === method)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (method === 'apps.connections.open') await fake.socketModeGate;
      const status = method === 'response_url' ? responseUrlStatuses.shift() : undefined;
      if (status !== undefined) {
        response.statusCode = status;
        response.end(status === 404 ? 'no_active_hooks' : 'error');
        return;
      }
      if (method === 'response_url') {
        const uses = (responseUrlUses.get(path) ?? 0) + 1;
        responseUrlUses.set(path, uses);
        if (uses > responseUrlLifetime) {
          response.statusCode = 404;
          response.end('expired_url');
          return;
        }
      }
      const unauthenticated = method !== 'response_url' && method !== 'oauth.v2.access' && calls.at(-1)?.token === null;
      const failure = unauthenticated ? 'not_authed' : failures.get(method)?.shift();
      const refused = checkSlackCall(method, body);
      if (refused) refusals.push({ method, problems: refused.problems });
      response.setHeader('content-type', 'application/json');
      // Slack answers a refused call with HTTP 200 and ok: false, like every other Web API error.
      const answered = failure
        ? { ok: false, error: failure }
        : refused
          ? { ok: false, error: refused.error, response_metadata: { messages: refused.problems } }
          : answer(method, body);
      response.end(JSON.stringify(answered));
    })().catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return fake.socketModeUrl ? { ok: true, url: fake.socketModeUrl } : { ok: false, error: 'invalid_auth' };
      case 'oauth.v2.access':
        return exchangeCode(body);
      case 'auth.test':
        return { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEAM', user: 'latchkey' };
      case 'conversations.members':
        return {
          ok: true,
          members: channelMembers.get(String(body.channel)) ?? [],
          response_metadata: { next_cursor: '' },
        };
      case 'chat.postMessage':
        messageCounter += 1;
        return {
          ok: true,
          channel: body.channel,
          ts: `1700000000.${String(messageCounter).padStart(6, '0')}`,
          message: {},
        };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: '1700000000.999999' };
      case 'views.open':
      case 'views.update':
      case 'views.publish':
        return { ok: true, view: { id: 'V0VIEW' } };
      default:
        return { ok: true };
    }
  }

  /** As Slack documents it: the app's credentials first, then the redirect URL, then the one-time code. */
  function exchangeCode(body: Record<string, unknown>): Record<string, unknown> {
    if (body.client_id !== fake.oauthApp.clientId) return { ok: false, error: 'invalid_client_id' };
    if (body.client_secret !== fake.oauthApp.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const grant = oauthCodes.get(String(body.code));
    if (!grant) return { ok: false, error: 'invalid_code' };
    if (body.redirect_uri !== fake.oauthApp.redirectUri) return { ok: false, error: 'bad_redirect_uri' };
    oauthCodes.delete(String(body.code));
    return {
      ok: true,
      app_id: 'A0APP',
      authed_user: { id: grant.installerId },
      scope: 'commands,chat:write,chat:write.public,channels:read,groups:read',
      token_type: 'bot',
      access_token: grant.botToken,
      bot_user_id: grant.botUserId ?? 'U0BOT',
      team: grant.enterprise ? null : { id: grant.teamId, name: grant.teamName },
      enterprise: grant.enterprise ? { id: 'E0ORG', name: 'Org' } : null,
      is_enterprise_install: grant.enterprise ?? false,
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeSlack = {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${id}`,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    channelMembers,
    failNext: (method, error) => void failures.set(method, [...(failures.get(method) ?? []), error]),
    failNextResponseUrl: (status) => void responseUrlStatuses.push(status),
    expireResponseUrlsAfter: (uses) => void (responseUrlLifetime = uses),
    refusals,
    socketModeUrl: null,
    socketModeGate: null,
    oauthApp: { ...fakeOAuthApp, redirectUri: 'http://localhost:3000/slack/oauth_redirect' },
    grantOAuthCode: (code, grant) => void oauthCodes.set(code, grant),
    called: (method) =>
      calls.some((call) => call.method === method)
        ? Promise.resolve()
        : new Promise<void>((resolve) => void waiters.push({ method, resolve })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}

function tokenOf(request: IncomingMessage, body: Record<string, unknown>): string | null {
  const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  return typeof body.token === 'string' ? body.token : null;
}

/** The WebClient sends forms whose structured fields (blocks, view, metadata) are JSON strings. */
async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((request.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(text || '{}');
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return fields;
}
