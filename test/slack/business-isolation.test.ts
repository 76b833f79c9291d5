import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forBusiness } from '../../src/app/business-scope.ts';
import { changeBusinessSettings, defaultBusinessSettings, registerBusiness } from '../../src/app/businesses.ts';
import { runBatch } from '../../src/app/batch.ts';
import { assignLogin, issueTempPassword, requestCredentialsEmail } from '../../src/app/logins.ts';
import { signIn } from '../../src/app/sign-in.ts';
import type { Context } from '@slack/bolt';
import { createLogger } from '../../src/logger.ts';
import { readableTime } from '../../src/slack/blocks/time.ts';
import { makeSlackInstallLink } from '../../src/slack/oauth/install-link.ts';
import { createBulkRuns, servicesFor, type SlackServices } from '../../src/slack/services.ts';
import { registerClients, staff } from '../support/app.ts';
import { fakeOAuthApp } from './fake-slack.ts';
import {
  alertsChannel,
  appHomeOpened,
  buttonClick,
  createSlackHarness,
  slashCommand,
  staffChannel,
  staffUser,
  viewSubmission,
  type SlackHarness,
} from './harness.ts';

const happyTeam = 'T0HAPPY';
const happy = 'happypaws';
const happyToken = 'xoxb-happy-token';
const happyStaffChannel = 'C0HAPPYSTAFF';
const happyAlertsChannel = 'C0HAPPYALERTS';
/** Listed by the default business only. */
const defaultOnly = { id: 'U0DEFONLY', name: 'dee.default' };

let slack: SlackHarness;

/** Installs the app in Happy Paws' workspace the way its owner would: the install link, then Slack's redirect. */
async function installHappyPaws(h: SlackHarness): Promise<void> {
  const link = await makeSlackInstallLink(h.app, happy);
  if (!link.ok) throw new Error(link.error.message);
  const state = new URL(link.value.url).searchParams.get('state')!;
  h.fake.grantOAuthCode('code-happy', {
    teamId: happyTeam,
    teamName: 'Paws HQ',
    installerId: 'U0OWNER',
    botToken: happyToken,
  });
  const opened = await h.http.request(`/slack/install?state=${encodeURIComponent(state)}`);
  const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
  const done = await h.http.request(`/slack/oauth_redirect?code=code-happy&state=${encodeURIComponent(state)}`, {
    headers: { cookie },
  });
  if (done.status !== 200) throw new Error(`install failed: ${done.status}`);
}

const happyDeps = () => forBusiness(slack.app.deps, happy);

beforeEach(async () => {
  slack = await createSlackHarness({
    SLACK_CLIENT_ID: fakeOAuthApp.clientId,
    SLACK_CLIENT_SECRET: fakeOAuthApp.clientSecret,
    SLACK_ALERTS_CHANNEL_ID: alertsChannel,
    SLACK_STAFF_USER_IDS: `${staffUser.id},${defaultOnly.id}`,
  });
  const settings = defaultBusinessSettings(slack.app.config);
  const added = await registerBusiness(
    slack.app.deps,
    {
      businessId: happy,
      settings: {
        ...settings,
        name: 'Happy Paws',
        publicOrigin: 'https://happypaws.example',
        timeZone: 'Pacific/Auckland',
        slackStaffUserIds: [staffUser.id],
        slackStaffChannel: happyStaffChannel,
        slackAlertsChannel: happyAlertsChannel,
      },
    },
    settings,
    { actor: staff },
  );
  if (!added.ok) throw new Error(added.error.message);
  await installHappyPaws(slack);
  await registerClients(slack.app, [
    { clientId: 'C1001', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    { clientId: 'C3003', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
  ]);
  await assignLogin(slack.app.deps, { clientId: 'C3003', userName: 'grace@example.com' }, { actor: staff });
  await registerClients({ ...slack.app, deps: happyDeps() }, [
    { clientId: 'C1001', firstName: 'Bella', lastName: 'Barker', email: 'bella@happypaws.example' },
    { clientId: 'C2002', firstName: 'Rex', lastName: 'Ruff', email: 'rex@happypaws.example' },
  ]);
  await assignLogin(happyDeps(), { clientId: 'C1001', userName: 'bella@happypaws.example' }, { actor: staff });
  await assignLogin(happyDeps(), { clientId: 'C2002', userName: 'rex@happypaws.example' }, { actor: staff });
});
afterEach(() => slack.dispose());

const ackText = async (response: Response) => JSON.stringify(await response.json());

/** Burns the client C1001's temporary password with a wrong guess: an alert for its business. */
async function burn(deps: ReturnType<typeof happyDeps>, userName: string): Promise<void> {
  const issued = await issueTempPassword(deps, { clientId: 'C1001', delivery: 'shown_to_staff' }, { actor: staff });
  if (!issued.ok) throw new Error(issued.error.message);
  await signIn(deps, { userName, password: 'wrong-guess-like-this-22222' }, {});
}

/** Every alert posted: where, with which token, and which of the clients it names. */
const postedAlerts = () =>
  slack.fake.callsTo('chat.postMessage').map((call) => ({
    channel: call.body.channel,
    token: call.token,
    names: ['Ada Lovelace', 'Bella Barker', 'Wendy Wag']
      .filter((name) => JSON.stringify(call.body).includes(name))
      .join(),
  }));
const credentialOf = (clientId: string) => happyDeps().readModels.credentials.getCredential(clientId);

describe('a workspace sees and acts on its own business only', () => {
  it('search: each workspace finds its own C1001, never the other business’s', async () => {
    const fromDefault = await ackText(await slack.send(slashCommand('C1001')));
    expect(fromDefault).toContain('Ada Lovelace');
    expect(fromDefault).not.toContain('Bella');
    expect(await ackText(await slack.send(slashCommand('barker')))).not.toContain('Bella');
    expect(await ackText(await slack.send(slashCommand('rex')))).not.toContain('Ruff');

    const fromHappy = await ackText(await slack.send(slashCommand('C1001', staffUser, happyTeam)));
    expect(fromHappy).toContain('Bella Barker');
    expect(fromHappy).not.toContain('Ada');
  });

  for (const [from, team, forged, secret] of [
    ['the default workspace', undefined, 'C2002', 'rex@happypaws.example'],
    ['an installed workspace', happyTeam, 'C3003', 'grace@example.com'],
  ] as const) {
    it(`card buttons: from ${from}, a forged value naming the other business’s client finds nothing and changes nothing`, async () => {
      const before = (await slack.allEvents()).length;
      const options = team ? { team } : {};
      await slack.send(buttonClick(slack.fake, `login_disable:${forged}`, forged, options));
      await slack.send(buttonClick(slack.fake, `client_history:${forged}`, forged, options));
      await slack.send(buttonClick(slack.fake, `temp_password_issue:${forged}`, forged, options));
      const replies = slack.fake.callsTo('response_url').map((call) => JSON.stringify(call.body));
      expect(replies).toHaveLength(3);
      for (const reply of replies) expect(reply).not.toContain(secret);
      expect(replies[0]).toContain('no longer in the directory');
      expect(await slack.allEvents()).toHaveLength(before);
      expect(slack.app.deps.readModels.credentials.getCredential('C3003')?.disabled).toBe(false);
      expect(credentialOf('C2002')?.disabled).toBe(false);
    });

    it(`modals: a login editor submitted from ${from} for the other business’s client changes nothing`, async () => {
      const before = (await slack.allEvents()).length;
      const answer = await slack.send(
        viewSubmission(
          { id: 'V1', clientId: forged, userName: 'taken.over', active: false, emailNow: false },
          staffUser,
          team,
        ),
      );
      expect(answer.status).toBe(200);
      expect(await slack.allEvents()).toHaveLength(before);
      expect(credentialOf('C2002')).toMatchObject({ disabled: false, userName: 'rex@happypaws.example' });
      expect(slack.app.deps.readModels.credentials.getCredential('C3003')).toMatchObject({
        disabled: false,
        userName: 'grace@example.com',
      });
    });
  }

  it('card buttons: the same client id acts on the own business’s client', async () => {
    await assignLogin(slack.app.deps, { clientId: 'C1001', userName: 'ada@example.com' }, { actor: staff });
    await slack.send(buttonClick(slack.fake, 'login_disable:C1001', 'C1001'));
    expect(slack.app.deps.readModels.credentials.getCredential('C1001')?.disabled).toBe(true);
    expect(credentialOf('C1001')?.disabled).toBe(false);

    await slack.send(buttonClick(slack.fake, 'login_disable:C1001', 'C1001', { team: happyTeam }));
    expect(credentialOf('C1001')?.disabled).toBe(true);
  });

  it('Home: each workspace’s stats count its own business', async () => {
    await slack.send(appHomeOpened(staffUser.id));
    await slack.send(appHomeOpened(staffUser.id, { team: happyTeam }));
    const [home, happyHome] = slack.fake.callsTo('views.publish').map((call) => JSON.stringify(call.body.view));
    expect(home).toContain('No login: *1*');
    expect(home).toContain('Active: *0*');
    expect(home).toContain('Temporary password expired: *0*');
    expect(home).not.toContain('Bella');
    expect(happyHome).toContain('No login: *0*');
    expect(happyHome).not.toContain('Ada');
  });

  it('alerts: each business’s alerts go to its own channel, posted with its own workspace’s token', async () => {
    await burn(happyDeps(), 'bella@happypaws.example');
    await slack.bot.alerts.catchUp();
    expect(postedAlerts()).toEqual([{ channel: happyAlertsChannel, token: happyToken, names: 'Bella Barker' }]);

    await assignLogin(slack.app.deps, { clientId: 'C1001', userName: 'ada@example.com' }, { actor: staff });
    await burn(slack.app.deps, 'ada@example.com');
    await slack.bot.alerts.catchUp();
    expect(postedAlerts()).toEqual([
      { channel: happyAlertsChannel, token: happyToken, names: 'Bella Barker' },
      { channel: alertsChannel, token: 'xoxb-test-token', names: 'Ada Lovelace' },
    ]);
  });

  it('alerts: a business with no alerts channel, or with no workspace installed, posts nothing', async () => {
    const defaults = defaultBusinessSettings(slack.app.config);
    const cleared = await changeBusinessSettings(slack.app.deps, happy, { slackAlertsChannel: null }, defaults, {
      actor: staff,
    });
    if (!cleared.ok) throw new Error(cleared.error.message);
    await burn(happyDeps(), 'bella@happypaws.example');

    const wag = 'wagging';
    const added = await registerBusiness(
      slack.app.deps,
      {
        businessId: wag,
        settings: { ...defaults, publicOrigin: 'https://wag.example', slackAlertsChannel: 'C0WAGALERTS' },
      },
      defaults,
      { actor: staff },
    );
    if (!added.ok) throw new Error(added.error.message);
    const wagDeps = forBusiness(slack.app.deps, wag);
    await registerClients({ ...slack.app, deps: wagDeps }, [
      { clientId: 'C1001', firstName: 'Wendy', lastName: 'Wag', email: 'wendy@wag.example' },
    ]);
    await assignLogin(wagDeps, { clientId: 'C1001', userName: 'wendy@wag.example' }, { actor: staff });
    await burn(wagDeps, 'wendy@wag.example');

    await slack.bot.alerts.catchUp();
    expect(postedAlerts()).toEqual([]);
  });

  it('alerts: a business whose alerts channel Slack refuses holds up no other business’s alerts', async () => {
    slack.fake.failNext('chat.postMessage', 'channel_not_found');
    await burn(happyDeps(), 'bella@happypaws.example');
    await assignLogin(slack.app.deps, { clientId: 'C1001', userName: 'ada@example.com' }, { actor: staff });
    await burn(slack.app.deps, 'ada@example.com');
    await slack.bot.alerts.catchUp();
    await slack.bot.alerts.catchUp();
    expect(postedAlerts()).toEqual([
      { channel: happyAlertsChannel, token: happyToken, names: 'Bella Barker' },
      { channel: alertsChannel, token: 'xoxb-test-token', names: 'Ada Lovelace' },
    ]);
    const posted = (await slack.allEvents()).filter((event) => event.type === 'StaffAlertPosted');
    expect(posted.map((event) => (event.data as { channel: string }).channel)).toEqual([alertsChannel]);
  });

  it('staff: someone on the default business’s allow-list only is refused in Happy Paws’ workspace', async () => {
    expect(await ackText(await slack.send(slashCommand('C1001', defaultOnly)))).toContain('Ada Lovelace');

    const refused = await ackText(await slack.send(slashCommand('C1001', defaultOnly, happyTeam)));
    expect(refused).toContain('only staff');
    expect(refused).not.toContain('Bella');
    const refusals = (await slack.allEvents()).filter((event) => event.type === 'StaffActionRefused');
    expect(refusals.map((event) => event.data)).toEqual([
      { slackUserId: defaultOnly.id, teamId: happyTeam, action: '/clients', reason: 'not_staff' },
    ]);
    expect(refusals[0]?.metadata.businessId).toBe(happy);
  });

  it('staff: each workspace’s staff channel is read with its own token, and counts in that workspace only', async () => {
    const member = { id: 'U0MEMBER', name: 'mia.member' };
    const happyMember = { id: 'U0HAPPYMEMBER', name: 'hal.happy' };
    slack.fake.channelMembers.set(staffChannel, [member.id]);
    slack.fake.channelMembers.set(happyStaffChannel, [happyMember.id]);

    expect(await ackText(await slack.send(slashCommand('C1001', happyMember, happyTeam)))).toContain('Bella Barker');
    expect(await ackText(await slack.send(slashCommand('C1001', member, happyTeam)))).toContain('only staff');
    expect(await ackText(await slack.send(slashCommand('C1001', member)))).toContain('Ada Lovelace');
    expect(await ackText(await slack.send(slashCommand('C1001', happyMember)))).toContain('only staff');

    const reads = slack.fake.callsTo('conversations.members').map((call) => [call.body.channel, call.token]);
    expect(reads).toContainEqual([happyStaffChannel, happyToken]);
    expect(reads).toContainEqual([staffChannel, 'xoxb-test-token']);
    expect(reads).not.toContainEqual([staffChannel, happyToken]);
    expect(reads).not.toContainEqual([happyStaffChannel, 'xoxb-test-token']);
  });

  it('times: an installed workspace reads its business’s time zone', async () => {
    const at = slack.app.clock.now().toISOString();
    await slack.send(buttonClick(slack.fake, 'client_history:C1001', 'C1001', { team: happyTeam }));
    await slack.send(buttonClick(slack.fake, 'client_history:C1001', 'C1001'));
    const [happyHistory, defaultHistory] = slack.fake.callsTo('response_url').map((call) => JSON.stringify(call.body));
    expect(happyHistory).toContain(readableTime(at, 'Pacific/Auckland'));
    expect(slack.app.config.businessTimeZone).not.toBe('Pacific/Auckland');
    expect(defaultHistory).not.toContain(readableTime(at, 'Pacific/Auckland'));
  });

  it('bulk runs: one business’s running provisioning does not block another’s', () => {
    const deployment: SlackServices = {
      deps: slack.app.deps,
      settings: slack.app.config.slack!,
      logger: createLogger('silent'),
      bulkRuns: createBulkRuns(),
      timeZone: slack.app.config.businessTimeZone,
    };
    const asDefault = servicesFor(deployment, { businessId: 'default', isEnterpriseInstall: false } satisfies Context);
    const asHappy = servicesFor(deployment, { businessId: happy, isEnterpriseInstall: false } satisfies Context);
    expect(asHappy.deps.businessId).toBe(happy);
    expect(asHappy.timeZone).toBe('Pacific/Auckland');
    expect(asDefault.bulkRuns.tryStart('provision', 'sam')).toBeNull();
    expect(asDefault.bulkRuns.tryStart('provision', 'kim')).toBe('sam');
    expect(asHappy.bulkRuns.tryStart('provision', 'pat')).toBeNull();
    asDefault.bulkRuns.finish('provision');
    expect(asHappy.bulkRuns.tryStart('provision', 'lee')).toBe('pat');
  });

  it('bulk buttons: resuming the other business’s unfinished Email Alerts from the default workspace emails nobody', async () => {
    const deps = happyDeps();
    await runBatch(
      deps,
      { batchId: 'h-stopped', kind: 'email_alert', clientIds: ['C1001', 'C2002'], options: {} },
      async (clientId) => {
        if (clientId !== 'C1001') throw new Error('crash');
        await requestCredentialsEmail(deps, { clientId, batchId: 'h-stopped' }, { actor: staff, commandId: 'h:C1001' });
        return 'succeeded';
      },
      { actor: staff },
    ).catch(() => undefined);
    const requested = async () => (await slack.allEvents()).filter((e) => e.type === 'CredentialsEmailRequested');
    expect(await requested()).toHaveLength(1);
    const stopped = happyDeps().readModels.batches.getBatch('h-stopped');
    expect(stopped?.status).not.toBe('completed');

    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'resume:h-stopped'));
    expect(await requested()).toHaveLength(1);
    expect(happyDeps().readModels.batches.getBatch('h-stopped')).toEqual(stopped);
    expect(JSON.stringify(slack.fake.calls.map((call) => call.body))).not.toContain('Rex');

    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'resume:h-stopped', { team: happyTeam }));
    expect(happyDeps().readModels.batches.getBatch('h-stopped')).toMatchObject({ status: 'completed', done: 2 });
    expect((await requested()).length).toBeGreaterThan(1);
  });
});
