import { webApi } from '@slack/bolt';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { AppDeps } from '../../app/deps.ts';
import type { Logger } from '../../logger.ts';
import type { SlackOAuthConfig } from '../../config.ts';
import { InstallStateError, type InstallStateProblem, type InstallStates } from './install-state.ts';
import type { SlackInstallations } from './installation-store.ts';
import { decideSlackTeamCommand } from './slack-team.ts';

/** The bot scopes of `slack-manifest.yml`; an install asks for exactly these. */
export const slackBotScopes = ['commands', 'chat:write', 'chat:write.public', 'channels:read', 'groups:read'];
const slackAuthorizeUrl = 'https://slack.com/oauth/v2/authorize';

export interface InstallRoutesOptions {
  readonly deps: Pick<AppDeps, 'store' | 'clock'>;
  readonly oauth: SlackOAuthConfig;
  /** The deployment's public origin: the redirect URL registered in the Slack app is `<origin>/slack/oauth_redirect`. */
  readonly publicOrigin: string;
  readonly apiUrl: string | null;
  readonly states: InstallStates;
  readonly installations: SlackInstallations;
  /** The business's name for the pages, or null when there is no such business; suspended ones are refused. */
  readonly describeBusiness: (businessId: string) => { readonly name: string; readonly suspended: boolean } | null;
  readonly logger: Logger;
}

export const slackRedirectUri = (publicOrigin: string): string => `${publicOrigin}/slack/oauth_redirect`;

/**
 * `GET /slack/install?state=…` sends the installer on to Slack; `GET /slack/oauth_redirect` is where
 * Slack sends them back with a code. The code is exchanged with `oauth.v2.access` through Bolt's Web
 * API client rather than `InstallProvider.handleCallback`: Bolt wires its installer only into its own
 * Node receivers, and `handleCallback` needs Node's request and response objects, while Latchkey's
 * receiver is a Hono app. The state store and the installation store are Bolt's interfaces.
 */
export function slackInstallRoutes(options: InstallRoutesOptions): Hono {
  const routes = new Hono();
  const redirectUri = slackRedirectUri(options.publicOrigin);
  routes.get('/install', (c) => {
    const state = c.req.query('state') ?? '';
    try {
      options.states.peekStateParam(options.deps.clock.now(), state);
    } catch (error) {
      return refusedState(c, error);
    }
    const target = new URL(slackAuthorizeUrl);
    target.searchParams.set('client_id', options.oauth.clientId);
    target.searchParams.set('scope', slackBotScopes.join(','));
    target.searchParams.set('state', state);
    target.searchParams.set('redirect_uri', redirectUri);
    // The browser that opened the link must be the one Slack sends back, as Bolt's installer checks.
    setCookie(c, installCookie, stateDigest(state), {
      path: '/slack',
      httpOnly: true,
      secure: options.publicOrigin.startsWith('https:'),
      sameSite: 'Lax',
      maxAge: 30 * 60,
    });
    return c.redirect(target.toString(), 302);
  });
  routes.get('/oauth_redirect', async (c) => {
    if (c.req.query('error'))
      return page(c, 200, 'Not installed', 'The installation was cancelled in Slack. Nothing changed.');
    const code = c.req.query('code');
    const state = c.req.query('state');
    if (!code || !state)
      return page(c, 400, 'Not installed', 'This address needs the code and state Slack adds to it.');
    if (!sameBrowser(getCookie(c, installCookie), state))
      return page(c, 400, 'Not installed', 'Open the install link in this browser, then approve it in Slack.');
    let businessId: string;
    try {
      businessId = (await options.states.verifyStateParam(options.deps.clock.now(), state)).metadata ?? '';
    } catch (error) {
      return refusedState(c, error);
    }
    const business = options.describeBusiness(businessId);
    if (!business) return page(c, 400, 'Not installed', 'The business this link was made for does not exist.');
    if (business.suspended)
      return page(c, 403, 'Not installed', `${business.name} is suspended, so Slack cannot be installed for it.`);
    const exchanged = await exchangeCode(options, code, redirectUri);
    if (!exchanged.ok) {
      options.logger.warn({ businessId, error: exchanged.error }, 'Slack refused to exchange an install code');
      return page(
        c,
        400,
        'Not installed',
        `Slack refused the installation (${exchanged.error}). Ask for a new install link.`,
      );
    }
    return finishInstall(c, options, businessId, business.name, exchanged.value);
  });
  return routes;
}

const installCookie = 'latchkey_slack_install';
const stateDigest = (state: string): string => createHash('sha256').update(state).digest('base64url');

function sameBrowser(cookie: string | undefined, state: string): boolean {
  if (!cookie) return false;
  const given = Buffer.from(cookie);
  const expected = Buffer.from(stateDigest(state));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Granted {
  readonly teamId: string;
  readonly teamName: string;
  readonly botUserId: string;
  readonly botToken: string;
  readonly scopes: string[];
  readonly installedBy: string;
  readonly appId: string | null;
}

async function exchangeCode(
  options: InstallRoutesOptions,
  code: string,
  redirectUri: string,
): Promise<{ ok: true; value: Granted } | { ok: false; error: string }> {
  const client = new webApi.WebClient(undefined, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 10_000,
  });
  try {
    const answer = await client.oauth.v2.access({
      client_id: options.oauth.clientId,
      client_secret: options.oauth.clientSecret,
      code,
      redirect_uri: redirectUri,
    });
    if (answer.is_enterprise_install || !answer.team?.id) return { ok: false, error: 'org_install_not_supported' };
    if (answer.token_type !== 'bot' || !answer.access_token || !answer.bot_user_id)
      return { ok: false, error: 'no_bot_token' };
    return {
      ok: true,
      value: {
        teamId: answer.team.id,
        teamName: answer.team.name ?? '',
        botUserId: answer.bot_user_id,
        botToken: answer.access_token,
        scopes: (answer.scope ?? '').split(',').filter(Boolean),
        installedBy: answer.authed_user?.id ?? '',
        appId: answer.app_id ?? null,
      },
    };
  } catch (error) {
    const slackError = (error as { data?: { error?: unknown } }).data?.error;
    return { ok: false, error: typeof slackError === 'string' ? slackError : 'slack_unreachable' };
  }
}

/** The workspace is claimed in the log first, so a token is only ever stored for the business that holds it. */
async function finishInstall(
  c: Context,
  options: InstallRoutesOptions,
  businessId: string,
  businessName: string,
  granted: Granted,
): Promise<Response> {
  const recorded = await decideSlackTeamCommand(
    options.deps,
    {
      type: 'InstallSlack',
      businessId,
      teamId: granted.teamId,
      teamName: granted.teamName,
      botUserId: granted.botUserId,
      scopes: granted.scopes,
      installedBy: granted.installedBy,
    },
    { actor: { kind: 'staff', id: granted.installedBy } },
  );
  if (!recorded.ok) {
    options.logger.warn({ businessId, teamId: granted.teamId, code: recorded.error.code }, 'refused a Slack install');
    return page(c, 409, 'Not installed', recorded.error.message);
  }
  // oauth.v2.access names the bot's user id but not its bot id; Bolt works from the user id.
  await options.installations.storeInstallation({
    team: { id: granted.teamId, name: granted.teamName },
    enterprise: undefined,
    user: { id: granted.installedBy, token: undefined, scopes: undefined },
    bot: { token: granted.botToken, scopes: granted.scopes, id: '', userId: granted.botUserId },
    ...(granted.appId ? { appId: granted.appId } : {}),
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
    metadata: businessId,
  });
  options.logger.info({ businessId, teamId: granted.teamId }, 'Latchkey installed in a Slack workspace');
  return page(
    c,
    200,
    'Installed',
    `Latchkey is installed in ${granted.teamName || granted.teamId} for ${businessName}.`,
  );
}

const stateProblems: Record<InstallStateProblem, string> = {
  malformed: 'This install link is incomplete. Copy the whole link, or ask for a new one.',
  forged: 'This install link was not made by this Latchkey. Ask for a new one.',
  expired: 'This install link has expired. Ask for a new one (latchkey business slack-link).',
  used: 'This install link has already been used. Ask for a new one (latchkey business slack-link).',
};

function refusedState(c: Context, error: unknown): Response {
  if (!(error instanceof InstallStateError)) throw error;
  return page(c, 400, 'Not installed', stateProblems[error.problem]);
}

function page(c: Context, status: 200 | 400 | 403 | 409, title: string, message: string): Response {
  c.header('Cache-Control', 'no-store');
  const body = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · Latchkey</title>
      </head>
      <body>
        <h1>${title}</h1>
        <p>${message}</p>
      </body>
    </html>`;
  return c.html(body, status) as Response;
}
