import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/app/batch.ts';
import { assignLogin, issueTempPassword, requestCredentialsEmail } from '../../src/app/logins.ts';
import { registerClients, staff } from '../support/app.ts';
import {
  buttonClick,
  createSlackHarness,
  nonEphemeralBodies,
  slashCommand,
  staffChannel,
  staffUser,
  type SlackHarness,
} from './harness.ts';

let slack: SlackHarness;

const clients = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => ({
    clientId: `${prefix}-${String(i).padStart(4, '0')}`,
    firstName: `First${i}`,
    lastName: `${prefix}Last`,
    email: `${prefix}${i}@example.com`,
  }));

beforeEach(async () => {
  slack = await createSlackHarness();
});
afterEach(() => slack.dispose());

const eventsOfType = async (type: string) => (await slack.allEvents()).filter((event) => event.type === type);

describe('provisioning everyone from Slack', () => {
  it('gives each client with an email a login and shows progress in one updated message', async () => {
    await registerClients(slack.app, [
      ...clients(300, 'p'),
      { clientId: 'no-mail', firstName: 'No', lastName: 'Mail', email: null },
    ]);
    await slack.send(buttonClick(slack.fake, 'provision_start', 'no_email'));

    const assigned = await eventsOfType('LoginAssigned');
    expect(assigned).toHaveLength(300);
    expect(assigned[0]?.metadata.actor).toEqual({ kind: 'staff', id: staffUser.id, name: staffUser.name });
    expect(slack.app.deps.readModels.credentials.getCredential('p-0007')?.userName).toBe('p7@example.com');
    expect(await eventsOfType('CredentialsEmailRequested')).toHaveLength(0);

    const posts = slack.fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.channel).toBe(staffChannel);
    const updates = slack.fake.callsTo('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.length).toBeLessThan(20);
    for (const update of updates) expect(update.body.ts).toBe('1700000000.000001');
    const final = JSON.stringify(updates.at(-1)?.body.blocks);
    expect(final).toContain('Finished');
    expect(final).toContain('300 of 300 done: 300 succeeded, 0 skipped, 0 failed');
  });

  it('asks for the credentials email for each when chosen', async () => {
    await registerClients(slack.app, clients(3, 'e'));
    await slack.send(buttonClick(slack.fake, 'provision_start', 'email'));
    const requested = await eventsOfType('CredentialsEmailRequested');
    expect(requested.map((event) => (event.data as { clientId: string }).clientId).sort()).toEqual([
      'e-0000',
      'e-0001',
      'e-0002',
    ]);
  });

  it('resumes an unfinished batch, and the menu says it will', async () => {
    await registerClients(slack.app, clients(4, 'r'));
    const ids = ['r-0000', 'r-0001', 'r-0002', 'r-0003'];
    // A batch that stopped after its first client, as a crash would leave it.
    await runBatch(
      slack.app.deps,
      { batchId: 'b-stopped', kind: 'provision', clientIds: ids, options: {} },
      async (clientId) => {
        if (clientId !== 'r-0000') throw new Error('crash');
        await assignLogin(
          slack.app.deps,
          { clientId, userName: 'r0@example.com' },
          { actor: staff, commandId: 'b-stopped:assign:r-0000:r0@example.com' },
        );
        return 'succeeded';
      },
      { actor: staff },
    ).catch(() => undefined);

    const menu = (await (await slack.send(slashCommand('provision-all'))).json()) as { blocks: unknown[] };
    expect(JSON.stringify(menu.blocks)).toContain('Resume');

    await slack.send(buttonClick(slack.fake, 'provision_start', 'no_email'));
    expect(slack.app.deps.readModels.batches.getBatch('b-stopped')).toMatchObject({ status: 'completed', done: 4 });
    expect(await eventsOfType('LoginAssigned')).toHaveLength(4);
  });

  it('says where it cannot post instead of starting silently', async () => {
    await registerClients(slack.app, clients(2, 'x'));
    slack.fake.failNext('chat.postMessage', 'not_in_channel');
    await slack.send(buttonClick(slack.fake, 'provision_start', 'no_email'));
    expect(JSON.stringify(slack.fake.callsTo('response_url').at(-1)?.body)).toContain("can't post in this channel");
    expect(await eventsOfType('BatchStarted')).toHaveLength(0);
  });
});

describe('Email Alerts from Slack', () => {
  it('emails the chosen group only, as a tracked batch with progress, and shows no secret', async () => {
    await registerClients(slack.app, clients(3, 'g'));
    for (const [i, clientId] of ['g-0000', 'g-0001', 'g-0002'].entries()) {
      await assignLogin(slack.app.deps, { clientId, userName: `g${i}@example.com` }, { actor: staff });
    }
    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'never-logged-in'));
    const [started] = await eventsOfType('BatchStarted');
    expect(started?.data).toMatchObject({ kind: 'email_alert', clientIds: ['g-0000', 'g-0001', 'g-0002'] });
    const requested = await eventsOfType('CredentialsEmailRequested');
    expect(requested).toHaveLength(3);
    expect(
      requested.every(
        (event) => (event.data as { batchId?: string }).batchId === (started?.data as { batchId: string }).batchId,
      ),
    ).toBe(true);
    expect(slack.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(JSON.stringify(slack.fake.callsTo('chat.update').at(-1)?.body.blocks)).toContain('3 of 3 done');
    expect(nonEphemeralBodies(slack.fake).join('')).not.toMatch(/[a-z]+-[a-z]+-[a-z]+-[a-z]+-[2-9]{5}/);
  });

  it('gives clients of the "no login yet" group a login before emailing them', async () => {
    await registerClients(slack.app, clients(2, 'n'));
    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'no-login'));
    expect(await eventsOfType('LoginAssigned')).toHaveLength(2);
    expect(await eventsOfType('CredentialsEmailRequested')).toHaveLength(2);
  });

  it('emails a group chosen in Slack (temporary password expired) as a list of ids', async () => {
    await registerClients(slack.app, clients(2, 't'));
    await assignLogin(slack.app.deps, { clientId: 't-0000', userName: 't0@example.com' }, { actor: staff });
    await assignLogin(slack.app.deps, { clientId: 't-0001', userName: 't1@example.com' }, { actor: staff });
    await issueTempPassword(slack.app.deps, { clientId: 't-0000', delivery: 'shown_to_staff' }, { actor: staff });
    slack.app.clock.advance(8 * 24 * 3600 * 1000);
    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'expired-or-burned'));
    const requested = await eventsOfType('CredentialsEmailRequested');
    expect(requested.map((event) => (event.data as { clientId: string }).clientId)).toEqual(['t-0000']);
  });

  it('offers to resume an unfinished batch before another, and resuming emails only who is left', async () => {
    await registerClients(slack.app, clients(3, 'u'));
    for (const [i, clientId] of ['u-0000', 'u-0001', 'u-0002'].entries()) {
      await assignLogin(slack.app.deps, { clientId, userName: `u${i}@example.com` }, { actor: staff });
    }
    await runBatch(
      slack.app.deps,
      { batchId: 'a-stopped', kind: 'email_alert', clientIds: ['u-0000', 'u-0001', 'u-0002'], options: {} },
      async (clientId) => {
        if (clientId !== 'u-0000') throw new Error('crash');
        await requestCredentialsEmail(
          slack.app.deps,
          { clientId, batchId: 'a-stopped' },
          { actor: staff, commandId: `a-stopped:email:${clientId}` },
        );
        return 'succeeded';
      },
      { actor: staff },
    ).catch(() => undefined);

    const menu = (await (await slack.send(slashCommand('alerts'))).json()) as { blocks: unknown[] };
    expect(JSON.stringify(menu.blocks)).toContain('"value":"resume:a-stopped"');
    expect(JSON.stringify(menu.blocks)).not.toContain('never-logged-in');

    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'resume:a-stopped'));
    expect(slack.app.deps.readModels.batches.getBatch('a-stopped')).toMatchObject({ status: 'completed', done: 3 });
    expect(await eventsOfType('CredentialsEmailRequested')).toHaveLength(3);
  });

  it('ends the progress message with the reason when nobody is in the group', async () => {
    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'never-logged-in'));
    expect(JSON.stringify(slack.fake.callsTo('chat.update').at(-1)?.body)).toContain('Nobody is in that group');
    expect(await eventsOfType('BatchStarted')).toHaveLength(0);
  });

  it('refuses a group it does not know, sending nothing', async () => {
    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'everybody_ever'));
    expect(JSON.stringify(slack.fake.callsTo('response_url').at(-1)?.body)).toContain('no longer exists');
    expect(await eventsOfType('BatchStarted')).toHaveLength(0);
  });
});
