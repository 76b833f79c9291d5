import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/app/batch.ts';
import { loadCredentialState } from '../../src/app/credential-decider.ts';
import { assignLogin, issueTempPassword } from '../../src/app/logins.ts';
import { signIn } from '../../src/app/sign-in.ts';
import { registerClients, staff } from '../support/app.ts';
import { buttonClick, createSlackHarness, staffChannel, staffUser, type SlackHarness } from './harness.ts';

let slack: SlackHarness;

beforeEach(async () => {
  slack = await createSlackHarness();
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  ]);
  await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
});
afterEach(() => slack.dispose());

const eventsOfType = async (type: string) => (await slack.allEvents()).filter((event) => event.type === type);
const passwordPattern = /[a-z]+(?:-[a-z]+){3}-[2-9]{5}/;

describe('a temporary password is never minted unless it can be shown', () => {
  it('falls back to an ephemeral message when the response URL is gone', async () => {
    slack.fake.failNextResponseUrl(404);
    await slack.send(buttonClick(slack.fake, 'temp_password_issue:c-ada', 'c-ada'));
    const ephemerals = slack.fake.callsTo('chat.postEphemeral');
    expect(ephemerals.map((call) => call.body.user)).toEqual([staffUser.id, staffUser.id]);
    expect(ephemerals.every((call) => call.body.channel === staffChannel)).toBe(true);
    expect(JSON.stringify(ephemerals[1]?.body.blocks)).toMatch(passwordPattern);
    expect(await eventsOfType('TempPasswordIssued')).toHaveLength(1);
  });

  it('issues nothing and says so plainly when no private reply works', async () => {
    // An expired response URL stays expired, and the bot is not in the channel.
    for (let i = 0; i < 2; i++) {
      slack.fake.failNextResponseUrl(404);
      slack.fake.failNext('chat.postEphemeral', 'channel_not_found');
    }
    await slack.send(buttonClick(slack.fake, 'temp_password_issue:c-ada', 'c-ada'));
    expect(await eventsOfType('TempPasswordIssued')).toHaveLength(0);
    const notice = slack.fake.callsTo('chat.postMessage').at(-1);
    expect(notice?.body.channel).toBe(staffUser.id);
    expect(JSON.stringify(notice?.body)).toContain('no temporary password was issued and nothing changed');
    for (const call of slack.fake.calls) expect(JSON.stringify(call.body)).not.toMatch(passwordPattern);
  });
});

describe('a private reply that stops working between the check and the password', () => {
  const pendingTempId = async () => {
    const state = await loadCredentialState(slack.app.deps, 'c-ada');
    return state.status === 'none' ? undefined : (state.login.temp?.id ?? null);
  };
  const lastDirectMessage = () =>
    JSON.stringify(
      slack.fake
        .callsTo('chat.postMessage')
        .filter((call) => call.body.channel === staffUser.id)
        .at(-1)?.body,
    );

  it('sends the password by ephemeral message when the response URL expired after the check', async () => {
    slack.fake.expireResponseUrlsAfter(1);
    await slack.send(buttonClick(slack.fake, 'temp_password_issue:c-ada', 'c-ada'));
    const ephemerals = slack.fake.callsTo('chat.postEphemeral');
    expect(ephemerals.map((call) => call.body.user)).toEqual([staffUser.id]);
    expect(JSON.stringify(ephemerals[0]?.body.blocks)).toMatch(passwordPattern);
    expect(await eventsOfType('TempPasswordWithdrawn')).toHaveLength(0);
    const [issued] = await eventsOfType('TempPasswordIssued');
    expect(await pendingTempId()).toBe((issued?.data as { tempPasswordId: string }).tempPasswordId);
  });

  it('withdraws the unseen password and the earlier one works again when no way is left', async () => {
    const earlier = await issueTempPassword(slack.app.deps, { clientId: 'c-ada', delivery: 'email' }, { actor: staff });
    if (!earlier.ok) throw new Error(earlier.error.message);
    slack.fake.expireResponseUrlsAfter(1);
    // The bot was removed from the channel meanwhile: the password and then the notice are refused there.
    slack.fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    slack.fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    await slack.send(buttonClick(slack.fake, 'temp_password_issue:c-ada', 'c-ada'));

    const issued = await eventsOfType('TempPasswordIssued');
    expect(issued).toHaveLength(2);
    const [withdrawn] = await eventsOfType('TempPasswordWithdrawn');
    expect(withdrawn?.data).toEqual({
      clientId: 'c-ada',
      tempPasswordId: (issued[1]!.data as { tempPasswordId: string }).tempPasswordId,
      reason: 'not_shown',
      restored: { tempPasswordId: earlier.value.tempPasswordId, expiresAt: earlier.value.expiresAt },
    });
    expect(withdrawn?.metadata.actor).toMatchObject({ kind: 'staff', id: staffUser.id });
    expect(await pendingTempId()).toBe(earlier.value.tempPasswordId);
    expect(lastDirectMessage()).toContain('so it was withdrawn: it will never work');
    expect(lastDirectMessage()).toContain('The temporary password issued before it works again');
    expect(lastDirectMessage()).not.toMatch(passwordPattern);
    // The emailed one still signs the client in.
    const signedIn = await signIn(
      slack.app.deps,
      { userName: 'ada@example.com', password: earlier.value.password },
      {},
    );
    expect(signedIn).toMatchObject({ ok: true, value: { mustChoosePassword: true } });
  });

  it('withdraws the unseen password and says none is pending when there was none before', async () => {
    slack.fake.expireResponseUrlsAfter(1);
    slack.fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    slack.fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    await slack.send(buttonClick(slack.fake, 'temp_password_issue:c-ada', 'c-ada'));
    expect((await eventsOfType('TempPasswordWithdrawn'))[0]?.data).toMatchObject({ restored: null });
    expect(await pendingTempId()).toBeNull();
    expect(lastDirectMessage()).toContain('No temporary password is pending for this client now');
    expect(slack.app.deps.readModels.credentials.getCredential('c-ada')).toMatchObject({
      tempExpiresAt: null,
      tempOutcome: 'withdrawn_not_shown',
    });
  });
});

describe('modals that Slack will not open', () => {
  it('an expired trigger is answered privately with "click again"', async () => {
    slack.fake.failNext('views.open', 'expired_trigger_id');
    await slack.send(buttonClick(slack.fake, 'login_editor_open:c-ada', 'c-ada'));
    expect(JSON.stringify(slack.fake.callsTo('response_url').at(-1)?.body)).toContain('Click the button again');
  });
});

describe('a replayed "email credentials" click', () => {
  it('says it was already queued and queues nothing new', async () => {
    const click = buttonClick(slack.fake, 'credentials_email:c-ada', 'c-ada', { triggerId: 'trigger-email-once' });
    await slack.send(click, { timestamp: Math.floor(Date.now() / 1000) - 1 });
    await slack.send(click);
    const replies = slack.fake.callsTo('response_url').map((call) => JSON.stringify(call.body));
    expect(replies[0]).toContain('Credentials email queued to ada@example.com');
    expect(replies[1]).toContain('already handled');
    expect(replies[1]).not.toContain('Credentials email queued');
    expect(await eventsOfType('CredentialsEmailRequested')).toHaveLength(1);
  });
});

describe('progress messages tell the truth', () => {
  const many = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      clientId: `p-${String(i).padStart(3, '0')}`,
      firstName: `P${i}`,
      lastName: 'Client',
      email: `p${i}@example.com`,
    }));

  it('posts the real total first, retries a failed final update and then posts the result anew', async () => {
    await registerClients(slack.app, many(3));
    for (let i = 0; i < 3; i++) slack.fake.failNext('chat.update', 'internal_error');
    await slack.send(buttonClick(slack.fake, 'provision_start:no_email', 'no_email'));
    const posts = slack.fake.callsTo('chat.postMessage');
    expect(String(posts[0]?.body.text)).toBe('Provisioning everyone: 0 of 3 done');
    expect(slack.fake.callsTo('chat.update')).toHaveLength(3);
    expect(posts).toHaveLength(2);
    expect(JSON.stringify(posts[1]?.body.blocks)).toContain('Finished');
    expect(JSON.stringify(posts[1]?.body.blocks)).toContain('3 of 3 done');
  });

  it('records progress often enough that "stopped at" is right within a few items', async () => {
    const clients = many(60);
    await registerClients(slack.app, clients);
    await runBatch(
      slack.app.deps,
      { batchId: 'b-progress', kind: 'provision', clientIds: clients.map((c) => c.clientId), options: {} },
      async (clientId) => {
        if (clientId === 'p-047') throw new Error('crash');
        return 'succeeded';
      },
      { actor: staff },
    ).catch(() => undefined);
    const done = slack.app.deps.readModels.batches.getBatch('b-progress')?.done ?? 0;
    expect(done).toBeGreaterThanOrEqual(40);
    expect(done).toBeLessThanOrEqual(47);
  });

  it("a resumed run marks the stopped run's message", async () => {
    await registerClients(slack.app, many(4));
    const ids = ['p-000', 'p-001', 'p-002', 'p-003'];
    // A stopped batch, as a crash leaves it: its first item done and its progress message recorded.
    await runBatch(
      slack.app.deps,
      { batchId: 'b-crashed', kind: 'email_alert', clientIds: ids, options: {} },
      async (clientId) => {
        if (clientId !== 'p-000') throw new Error('crash');
        return 'succeeded';
      },
      { actor: staff },
    ).catch(() => undefined);
    await slack.app.deps.store.append(
      'slack-progress-b-crashed',
      [
        {
          id: '0b3e3d7e-3d7e-4d7e-8d7e-0b3e3d7e3d7e',
          type: 'ProgressMessagePosted',
          data: { batchId: 'b-crashed', channel: staffChannel, messageTs: '1600000000.000001' },
          metadata: { actor: staff, at: slack.app.clock.now().toISOString() },
        },
      ],
      { expected: 'any' },
    );
    await slack.send(buttonClick(slack.fake, 'email_alert_start:resume', 'resume:b-crashed'));
    const marked = slack.fake.callsTo('chat.update').find((call) => call.body.ts === '1600000000.000001');
    expect(JSON.stringify(marked?.body)).toContain('Stopped at');
    expect(slack.app.deps.readModels.batches.getBatch('b-crashed')).toMatchObject({ status: 'completed', done: 4 });
    const recorded = (await slack.allEvents()).filter((event) => event.stream === 'slack-progress-b-crashed');
    expect(recorded.length).toBe(2);
  });
});
