import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLogin } from '../../src/app/logins.ts';
import { registerClients, staff } from '../support/app.ts';
import {
  appHomeOpened,
  buttonClick,
  createSlackHarness,
  slashCommand,
  staffChannel,
  viewSubmission,
  type SlackHarness,
} from './harness.ts';

let slack: SlackHarness;
const outsider = { id: 'U0OUTSIDER', name: 'olly.outsider' };
const member = { id: 'U0MEMBER', name: 'mia.member' };

beforeEach(async () => {
  slack = await createSlackHarness();
  slack.fake.channelMembers.set(staffChannel, ['U0OTHER', member.id]);
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  ]);
  await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
});
afterEach(() => slack.dispose());

const refusals = async () => (await slack.allEvents()).filter((event) => event.type === 'StaffActionRefused');

describe('only staff may act', () => {
  it('refuses someone who is neither listed nor in the staff channel, privately, and records it', async () => {
    const response = await slack.send(slashCommand('ada', outsider));
    const body = (await response.json()) as { response_type: string; text: string; blocks?: unknown };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('only staff can use Latchkey');
    expect(JSON.stringify(body)).not.toContain('Lovelace');
    const [refused] = await refusals();
    expect(refused?.stream).toBe('staff-refusals');
    expect(refused?.data).toEqual({
      slackUserId: outsider.id,
      teamId: 'T0TEAM',
      action: '/clients',
      reason: 'not_staff',
    });
  });

  it('lets a member of the staff channel act, with them as the actor', async () => {
    await slack.send(buttonClick(slack.fake, 'sessions_revoke', 'c-ada', { user: member }));
    const revoked = (await slack.allEvents()).find((event) => event.type === 'SessionsRevoked');
    expect(revoked?.metadata.actor).toEqual({ kind: 'staff', id: member.id, name: member.name });
    expect(slack.fake.callsTo('conversations.members')[0]?.body.channel).toBe(staffChannel);
  });

  it('refuses a button click by an outsider through the response URL, changing nothing', async () => {
    await slack.send(buttonClick(slack.fake, 'login_disable', 'c-ada', { user: outsider }));
    expect(slack.fake.callsTo('response_url').map((call) => call.body)).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        replace_original: false,
        text: expect.stringContaining('only staff'),
      }),
    ]);
    expect((await slack.allEvents()).some((event) => event.type === 'LoginDisabled')).toBe(false);
    expect((await refusals())[0]?.data).toMatchObject({ action: 'block_actions:login_disable' });
  });

  it('refuses staff of another workspace even when their id is on the list', async () => {
    const response = await slack.send(slashCommand('ada', { id: 'U0STAFF', name: 'sam' }, 'T0OTHER'));
    expect(((await response.json()) as { text: string }).text).toContain('its own Slack workspace');
    expect((await refusals())[0]?.data).toMatchObject({ teamId: 'T0OTHER', reason: 'foreign_team' });
  });

  it('refuses a modal submission by an outsider by replacing the modal', async () => {
    const response = await slack.send(
      viewSubmission({ id: 'V9', clientId: 'c-ada', userName: 'ada.new', active: true, emailNow: false }, outsider),
    );
    const body = (await response.json()) as { response_action: string; view: unknown };
    expect(body.response_action).toBe('update');
    expect(JSON.stringify(body.view)).toContain('only staff');
    expect((await slack.allEvents()).some((event) => event.type === 'LoginRenamed')).toBe(false);
  });

  it('shows an outsider a Home tab that only says no', async () => {
    await slack.send(appHomeOpened(outsider.id));
    const [published] = slack.fake.callsTo('views.publish');
    expect(published?.body.user_id).toBe(outsider.id);
    const text = JSON.stringify(published?.body.view);
    expect(text).toContain('only staff');
    expect(text).not.toContain('Recent activity');
  });

  it('records a replayed refusal once', async () => {
    const request = slashCommand('ada', outsider);
    await slack.send(request, { timestamp: Math.floor(Date.now() / 1000) - 1 });
    await slack.send(request);
    expect(await refusals()).toHaveLength(1);
  });

  it('refuses and asks to try again when the staff channel cannot be read', async () => {
    slack.fake.failNext('conversations.members', 'channel_not_found');
    const response = await slack.send(slashCommand('ada', member));
    expect(((await response.json()) as { text: string }).text).toContain("couldn't check whether you are staff");
    expect((await refusals())[0]?.data).toMatchObject({ reason: 'membership_unknown' });
  });
});
