import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultBusinessSettings, registerBusiness, setBusinessSuspended } from '../../src/app/businesses.ts';
import { loadServerSecret } from '../../src/app/pepper.ts';
import { businessIdOf } from '../../src/slack/business-context.ts';
import { openSlackInstallations } from '../../src/slack/oauth/installation-store.ts';
import { makeSlackInstallLink } from '../../src/slack/oauth/install-link.ts';
import { slackInstallationsFile } from '../../src/slack/oauth/setup.ts';
import { staff } from '../support/app.ts';
import { fakeOAuthApp } from './fake-slack.ts';
import {
  appHomeOpened,
  buttonClick,
  createSlackHarness,
  eventCallback,
  slashCommand,
  staffUser,
  teamId as defaultTeamId,
  type SlackHarness,
} from './harness.ts';

const happyTeam = 'T0HAPPY';
const happyToken = 'xoxb-happy-secret-token-4242';
const oauthEnv = { SLACK_CLIENT_ID: fakeOAuthApp.clientId, SLACK_CLIENT_SECRET: fakeOAuthApp.clientSecret };

let harness: SlackHarness | null = null;
afterEach(async () => {
  await harness?.dispose();
  harness = null;
});

/** A harness whose bot answers `/probe` with the business its context names (and records it). */
async function start(env: Record<string, string> = {}) {
  const seen: string[] = [];
  const h = await createSlackHarness(
    { ...oauthEnv, ...env },
    {
      registerListeners: (bolt) =>
        bolt.command('/probe', async ({ ack, context }) => {
          seen.push(businessIdOf(context));
          await ack({ response_type: 'ephemeral', text: `business ${businessIdOf(context)}` });
        }),
    },
  );
  harness = h;
  for (const businessId of ['happypaws', 'waggingtails']) {
    const added = await registerBusiness(
      h.app.deps,
      {
        businessId,
        settings: {
          ...defaultBusinessSettings(h.app.config),
          name: businessId === 'happypaws' ? 'Happy Paws' : 'Wagging Tails',
          publicOrigin: `https://${businessId}.example`,
        },
      },
      defaultBusinessSettings(h.app.config),
      { actor: staff },
    );
    if (!added.ok) throw new Error(added.error.message);
  }
  return { h, seen };
}

async function linkState(h: SlackHarness, businessId: string): Promise<string> {
  const link = await makeSlackInstallLink(h.app, businessId);
  if (!link.ok) throw new Error(link.error.message);
  return new URL(link.value.url).searchParams.get('state')!;
}

/** The installer's browser: opens the install link (which sets its cookie), then comes back from Slack with a code. */
async function redirect(h: SlackHarness, state: string, code: string): Promise<Response> {
  const opened = await h.http.request(`/slack/install?state=${encodeURIComponent(state)}`);
  const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
  return comeBack(h, state, code, cookie);
}

/** The cookie the install page sets for a state, for a browser that opened the link earlier. */
const openedEarlier = (state: string): string =>
  `latchkey_slack_install=${createHash('sha256').update(state).digest('base64url')}`;

function comeBack(h: SlackHarness, state: string, code: string, cookie: string): Promise<Response> {
  return Promise.resolve(
    h.http.request(`/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
      headers: cookie ? { cookie } : {},
    }),
  );
}

async function install(h: SlackHarness, businessId: string, team = happyTeam, token = happyToken): Promise<Response> {
  const code = `code-${businessId}-${team}-${Math.random()}`;
  h.fake.grantOAuthCode(code, { teamId: team, teamName: 'Paws HQ', installerId: 'U0OWNER', botToken: token });
  return redirect(h, await linkState(h, businessId), code);
}

const probe = (team: string) => ({
  ...slashCommand('', { id: 'U0STAFF', name: 'sam.staff' }, team),
  body: slashCommand('', { id: 'U0STAFF', name: 'sam.staff' }, team).body.replace('%2Fclients', '%2Fprobe'),
});
const eventsOfType = async (h: SlackHarness, type: string) => (await h.allEvents()).filter((e) => e.type === type);

describe('installing the Slack app for a business', () => {
  it('sends the installer to Slack with the state, and records the installation Slack hands back', async () => {
    const { h, seen } = await start();
    const link = await makeSlackInstallLink(h.app, 'happypaws');
    if (!link.ok) throw new Error(link.error.message);
    expect(link.value.url.startsWith('http://localhost:3000/slack/install?state=')).toBe(true);
    const page = await h.http.request(link.value.url.replace('http://localhost:3000', ''));
    expect(page.status).toBe(302);
    const slack = new URL(page.headers.get('location')!);
    expect(slack.origin + slack.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(slack.searchParams.get('client_id')).toBe(fakeOAuthApp.clientId);
    expect(slack.searchParams.get('redirect_uri')).toBe('http://localhost:3000/slack/oauth_redirect');
    expect(slack.searchParams.get('scope')).toContain('commands');
    h.fake.grantOAuthCode('code-1', {
      teamId: happyTeam,
      teamName: 'Paws HQ',
      installerId: 'U0OWNER',
      botToken: happyToken,
    });
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/slack/);
    const state = slack.searchParams.get('state')!;
    const otherBrowser = await comeBack(h, state, 'code-1', '');
    expect(otherBrowser.status).toBe(400);
    expect(await otherBrowser.text()).toContain('Open the install link in this browser');
    const done = await comeBack(h, state, 'code-1', cookie.split(';')[0]!);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Latchkey is installed in Paws HQ for Happy Paws');

    const [installed] = await eventsOfType(h, 'SlackInstalled');
    expect(installed?.stream).toBe(`slack-team-${happyTeam}`);
    expect(installed?.data).toEqual({
      businessId: 'happypaws',
      teamId: happyTeam,
      teamName: 'Paws HQ',
      botUserId: 'U0BOT',
      scopes: ['commands', 'chat:write', 'chat:write.public', 'channels:read', 'groups:read'],
      installedBy: 'U0OWNER',
    });
    expect(JSON.stringify(await h.allEvents())).not.toContain(happyToken);
    const file = readFileSync(slackInstallationsFile(h.app.dir));
    expect(file.includes(Buffer.from(happyToken))).toBe(false);
    expect(file.includes(Buffer.from('happy-secret'))).toBe(false);

    const answer = await h.send(probe(happyTeam));
    expect(await answer.json()).toMatchObject({ text: 'business happypaws' });
    expect(seen).toEqual(['happypaws']);
  });

  it('keeps the single workspace of SLACK_BOT_TOKEN working, as the default business', async () => {
    const { h, seen } = await start();
    const answer = await h.send(probe(defaultTeamId));
    expect(await answer.json()).toMatchObject({ text: 'business default' });
    expect(seen).toEqual(['default']);
  });

  it('refuses a state that was used, has expired, or was not signed here, and records nothing', async () => {
    const { h } = await start();
    const state = await linkState(h, 'happypaws');
    h.fake.grantOAuthCode('code-a', {
      teamId: happyTeam,
      teamName: 'Paws HQ',
      installerId: 'U0OWNER',
      botToken: happyToken,
    });
    expect((await redirect(h, state, 'code-a')).status).toBe(200);
    h.fake.grantOAuthCode('code-b', {
      teamId: 'T0OTHER',
      teamName: 'Other',
      installerId: 'U0X',
      botToken: 'xoxb-other',
    });
    const reused = await comeBack(h, state, 'code-b', openedEarlier(state));
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('already been used');
    expect((await h.http.request(`/slack/install?state=${encodeURIComponent(state)}`)).status).toBe(400);

    const late = await linkState(h, 'waggingtails');
    h.app.clock.advance(31 * 60_000);
    const expired = await comeBack(h, late, 'code-b', openedEarlier(late));
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('expired');

    const fresh = await linkState(h, 'waggingtails');
    const [payload] = fresh.split('.');
    const claimsHappy = Buffer.from(
      Buffer.from(payload!, 'base64url').toString('utf8').replace('waggingtails', 'happypaws'),
    ).toString('base64url');
    const forgedState = `${claimsHappy}.${fresh.split('.')[1]}`;
    expect((await h.http.request(`/slack/install?state=${encodeURIComponent(forgedState)}`)).status).toBe(400);
    const forged = await comeBack(h, forgedState, 'code-b', openedEarlier(forgedState));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('not made by this Latchkey');
    expect((await comeBack(h, 'nonsense', 'code-b', openedEarlier('nonsense'))).status).toBe(400);
    expect(await eventsOfType(h, 'SlackInstalled')).toHaveLength(1);
  });

  it('shows what Slack refused (an unknown or used code) and records nothing', async () => {
    const { h } = await start();
    const refused = await redirect(h, await linkState(h, 'happypaws'), 'never-granted');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('invalid_code');
    expect(await eventsOfType(h, 'SlackInstalled')).toHaveLength(0);
  });

  it('never binds one workspace to a second business', async () => {
    const { h, seen } = await start();
    expect((await install(h, 'happypaws')).status).toBe(200);
    const second = await install(h, 'waggingtails', happyTeam, 'xoxb-wagging-token');
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('already installed for business happypaws');
    expect(await eventsOfType(h, 'SlackInstalled')).toHaveLength(1);
    await h.send(probe(happyTeam));
    expect(seen).toEqual(['happypaws']);
  });

  it('refuses a suspended business its install, and a link for it', async () => {
    const { h } = await start();
    const state = await linkState(h, 'happypaws');
    await suspend(h, 'happypaws');
    h.fake.grantOAuthCode('code-s', {
      teamId: happyTeam,
      teamName: 'Paws HQ',
      installerId: 'U0OWNER',
      botToken: happyToken,
    });
    expect((await redirect(h, state, 'code-s')).status).toBe(403);
    const link = await makeSlackInstallLink(h.app, 'happypaws');
    expect(link.ok ? null : link.error.code).toBe('business_suspended');
    expect((await makeSlackInstallLink(h.app, 'nosuch')).ok).toBe(false);
  });
});

async function suspend(h: SlackHarness, businessId: string): Promise<void> {
  const done = await setBusinessSuspended(
    h.app.deps,
    businessId,
    { suspended: true, reason: 'unpaid invoice' },
    defaultBusinessSettings(h.app.config),
    { actor: staff },
  );
  if (!done.ok) throw new Error(done.error.message);
}

describe('requests from installed workspaces', () => {
  it('refuses a workspace that is not installed: no listener runs', async () => {
    const { h, seen } = await start();
    const answer = await h.send(probe('T0STRANGER'));
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('');
    expect(seen).toEqual([]);
  });

  it('answers a suspended business that it is suspended, and does nothing else', async () => {
    const { h, seen } = await start();
    await install(h, 'happypaws');
    await suspend(h, 'happypaws');
    const before = (await h.allEvents()).length;
    const answer = await h.send(probe(happyTeam));
    expect(await answer.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('suspended'),
    });
    expect(seen).toEqual([]);
    expect(await h.allEvents()).toHaveLength(before);
  });

  it('tells a suspended business so in the Home tab and on a button, and does nothing else', async () => {
    const { h } = await start();
    await install(h, 'happypaws');
    await suspend(h, 'happypaws');
    const before = (await h.allEvents()).length;
    await h.send(appHomeOpened(staffUser.id, { team: happyTeam }));
    const [home] = h.fake.callsTo('views.publish');
    expect(JSON.stringify(home?.body)).toContain('This business is suspended');
    await h.send(buttonClick(h.fake, 'credentials_email:C1001', 'C1001', { team: happyTeam }));
    const replies = h.fake.callsTo('response_url');
    expect(replies.map((call) => call.body.text)).toEqual([expect.stringContaining('This business is suspended')]);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await h.allEvents()).toHaveLength(before);
  });

  for (const kind of ['app_uninstalled', 'tokens_revoked'] as const) {
    it(`forgets the token and records the uninstall on ${kind}`, async () => {
      const { h, seen } = await start();
      await install(h, 'happypaws');
      const event =
        kind === 'app_uninstalled'
          ? { type: 'app_uninstalled', event_ts: '1700000000.1' }
          : { type: 'tokens_revoked', tokens: { oauth: [], bot: ['U0BOT'] }, event_ts: '1700000000.1' };
      expect((await h.send(eventCallback(event, { team: happyTeam }))).status).toBe(200);
      const [uninstalled] = await eventsOfType(h, 'SlackUninstalled');
      expect(uninstalled?.data).toEqual({ businessId: 'happypaws', teamId: happyTeam, reason: kind });
      const key = loadServerSecret(null, h.app.dir, 'slack-token-key');
      const installations = openSlackInstallations(slackInstallationsFile(h.app.dir), key);
      expect(installations.businessOfTeam(happyTeam)).toBeNull();
      installations.close();
      await h.send(probe(happyTeam));
      expect(seen).toEqual([]);
      // Once uninstalled, the workspace is free: another business may install it.
      expect((await install(h, 'waggingtails')).status).toBe(200);
    });
  }

  it('ignores a revocation of user tokens only', async () => {
    const { h } = await start();
    await install(h, 'happypaws');
    const event = { type: 'tokens_revoked', tokens: { oauth: ['U0OWNER'], bot: [] }, event_ts: '1700000000.1' };
    await h.send(eventCallback(event, { team: happyTeam }));
    expect(await eventsOfType(h, 'SlackUninstalled')).toHaveLength(0);
  });
});

describe('OAuth-only deployments', () => {
  it('run without a single workspace token and serve installed workspaces', async () => {
    const { h, seen } = await start({ SLACK_BOT_TOKEN: '', SLACK_TEAM_ID: '' });
    expect(h.bot.tokenState()).toEqual({ status: 'per_workspace' });
    await h.send(probe(defaultTeamId));
    expect(seen).toEqual([]);
    await install(h, 'happypaws');
    await h.send(probe(happyTeam));
    expect(seen).toEqual(['happypaws']);
  });
});

it('a data folder file holds the token key, readable by its owner only', async () => {
  const { h } = await start();
  await install(h, 'happypaws');
  const { statSync } = await import('node:fs');
  expect(statSync(join(h.app.dir, 'slack-token-key')).mode & 0o077).toBe(0);
});
