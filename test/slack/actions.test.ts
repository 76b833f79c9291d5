import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAppSignIn } from '../../src/app/client-sessions.ts';
import { assignLogin } from '../../src/app/logins.ts';
import { registerOidcApp } from '../../src/oidc/apps.ts';
import { createLogger } from '../../src/logger.ts';
import { registerClients, staff } from '../support/app.ts';
import { buttonClick, createSlackHarness, nonEphemeralBodies, staffUser, type SlackHarness } from './harness.ts';

let slack: SlackHarness;

beforeEach(async () => {
  slack = await createSlackHarness();
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    { clientId: 'c-alan', firstName: 'Alan', lastName: 'Turing', email: null },
  ]);
  await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
});
afterEach(() => slack.dispose());

const slackActor = { kind: 'staff', id: staffUser.id, name: staffUser.name };
const eventsOfType = async (type: string) => (await slack.allEvents()).filter((event) => event.type === type);
const lastResponse = () => JSON.stringify(slack.fake.callsTo('response_url').at(-1)?.body);

describe('issuing a temporary password from a card', () => {
  it('shows the password once, privately, and records only its hash with the Slack user as actor', async () => {
    await slack.send(buttonClick(slack.fake, 'temp_password_issue', 'c-ada'));
    const replies = slack.fake.callsTo('response_url');
    // First a private "issuing…" that proves the way back works, then the password the same way.
    expect(replies).toHaveLength(2);
    expect(JSON.stringify(replies[0]!.body)).toContain('Issuing a temporary password');
    const reply = replies[1]!.body as {
      response_type: string;
      replace_original: boolean;
      blocks: unknown[];
      text: string;
    };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.replace_original).toBe(false);
    const password = /\*`([a-z]+(?:-[a-z]+){3}-[2-9]{5})`\*/.exec(JSON.stringify(reply.blocks))?.[1];
    expect(password).toBeDefined();
    expect(reply.text).not.toContain(password!);

    const [issued] = await eventsOfType('TempPasswordIssued');
    expect(issued?.metadata.actor).toEqual(slackActor);
    expect(issued?.data).toMatchObject({ clientId: 'c-ada', delivery: 'shown_to_staff' });
    const everything = JSON.stringify(await slack.allEvents());
    expect(everything).not.toContain(password!);
    for (const body of nonEphemeralBodies(slack.fake)) expect(body).not.toContain(password!);
  });

  it('keeps the password out of the log, even at debug level', async () => {
    const lines: string[] = [];
    const logged = await createSlackHarness(
      {},
      { logger: createLogger('trace', { write: (line: string) => void lines.push(line) }) },
    );
    try {
      await registerClients(logged.app, [
        { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
      ]);
      await assignLogin(logged.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
      await logged.send(buttonClick(logged.fake, 'temp_password_issue', 'c-ada'));
      const password = /[a-z]+(?:-[a-z]+){3}-[2-9]{5}/.exec(
        JSON.stringify(logged.fake.callsTo('response_url')[1]?.body),
      )?.[0];
      expect(password).toBeDefined();
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain(password!);
    } finally {
      await logged.dispose();
    }
  });

  it('never shows a password again when the same click is replayed', async () => {
    const click = buttonClick(slack.fake, 'temp_password_issue', 'c-ada', { triggerId: 'trigger-once' });
    await slack.send(click, { timestamp: Math.floor(Date.now() / 1000) - 1 });
    await slack.send(click);
    const replies = slack.fake.callsTo('response_url').map((call) => JSON.stringify(call.body));
    expect(replies).toHaveLength(4);
    expect(replies[3]).toContain('cannot be shown again');
    expect(replies[3]).not.toMatch(/[a-z]+-[a-z]+-[a-z]+-[a-z]+-[2-9]{5}/);
    expect(await eventsOfType('TempPasswordIssued')).toHaveLength(1);
  });

  it('refuses from a surface with no private reply, before issuing anything', async () => {
    await slack.send(buttonClick(slack.fake, 'temp_password_issue', 'c-ada', { channel: null }));
    expect(await eventsOfType('TempPasswordIssued')).toHaveLength(0);
  });

  it('explains why a client without a login cannot get one', async () => {
    await slack.send(buttonClick(slack.fake, 'temp_password_issue', 'c-alan'));
    expect(lastResponse()).toContain('no login yet');
    expect(await eventsOfType('TempPasswordIssued')).toHaveLength(0);
  });
});

describe('the other card buttons', () => {
  it('email credentials records the request by the Slack user and confirms it privately', async () => {
    await slack.send(buttonClick(slack.fake, 'credentials_email', 'c-ada'));
    const [requested] = await eventsOfType('CredentialsEmailRequested');
    expect(requested?.metadata.actor).toEqual(slackActor);
    expect(lastResponse()).toContain('Credentials email queued to ada@example.com');
    expect(lastResponse()).toContain('"response_type":"ephemeral"');
  });

  it('disable, enable and sign out everywhere each append their event by the Slack user', async () => {
    await slack.send(buttonClick(slack.fake, 'login_disable', 'c-ada'));
    expect(lastResponse()).toContain('Login disabled');
    expect(lastResponse()).toContain('login_enable');
    await slack.send(buttonClick(slack.fake, 'login_enable', 'c-ada'));
    await slack.send(buttonClick(slack.fake, 'sessions_revoke', 'c-ada'));
    const events = (await slack.allEvents()).filter((event) =>
      ['LoginDisabled', 'LoginEnabled', 'SessionsRevoked'].includes(event.type),
    );
    expect(events.map((event) => event.type)).toEqual(['LoginDisabled', 'LoginEnabled', 'SessionsRevoked']);
    for (const event of events) expect(event.metadata.actor).toEqual(slackActor);
  });

  it('history shows the audit timeline with who did what', async () => {
    await slack.send(buttonClick(slack.fake, 'login_disable', 'c-ada'));
    await slack.send(buttonClick(slack.fake, 'client_history', 'c-ada'));
    const history = lastResponse();
    expect(history).toContain('History: Ada Lovelace');
    expect(history).toContain('Login created');
    expect(history).toContain('Login disabled');
    expect(history).toContain(`<@${staffUser.id}>`);
  });

  it('history shows each sign-in to an app with the app and how she signed in', async () => {
    const registered = await registerOidcApp(
      slack.app.deps,
      {
        businessId: 'default',
        name: 'Booking portal',
        redirectUris: ['https://portal.example/callback'],
        postLogoutRedirectUris: [],
        backchannelLogoutUri: null,
      },
      { actor: staff },
    );
    if (!registered.ok) throw new Error(registered.error.message);
    const appId = registered.value.app.appId;
    await recordAppSignIn(slack.app.deps, { clientId: 'c-ada', appId, method: 'password' });
    await recordAppSignIn(slack.app.deps, { clientId: 'c-ada', appId, method: 'single sign-on' });
    await slack.send(buttonClick(slack.fake, 'client_history', 'c-ada'));
    const history = lastResponse();
    expect(history).toContain('Signed in to Booking portal with the password');
    expect(history).toContain('Signed in to Booking portal without typing a password (already signed in)');
    expect(history).not.toContain(appId);
  });

  it('report a client that is not in the directory', async () => {
    await slack.send(buttonClick(slack.fake, 'login_disable', 'c-nobody'));
    expect(lastResponse()).toContain('no longer in the directory');
  });
});

describe('the System Login Editor button', () => {
  it('opens the modal with the user name, free suggestions and the three settings', async () => {
    await slack.send(buttonClick(slack.fake, 'login_editor_open', 'c-alan'));
    const [opened] = slack.fake.callsTo('views.open');
    const view = opened?.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string }[];
    };
    expect(opened?.body.trigger_id).toMatch(/^trigger-/);
    expect(view.callback_id).toBe('login_editor');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ clientId: 'c-alan' });
    expect(view.blocks.map((block) => block.block_id).filter(Boolean)).toEqual(['user_name', 'active']);
    const text = JSON.stringify(view);
    expect(text).toContain('"initial_value":"alan.turing"');
    expect(text).toContain('Free suggestions: alan.turing, alanturing');
    expect(text).toContain('No email on file');
  });

  it('checks availability when Enter is pressed in the user name', async () => {
    const payload = {
      type: 'block_actions',
      team: { id: 'T0TEAM' },
      user: { id: staffUser.id, username: staffUser.name, name: staffUser.name, team_id: 'T0TEAM' },
      trigger_id: 'trigger-check',
      view: {
        id: 'V0EDIT',
        hash: 'h1',
        private_metadata: JSON.stringify({ clientId: 'c-alan' }),
        type: 'modal',
        callback_id: 'login_editor',
        state: { values: {} },
      },
      actions: [
        {
          type: 'plain_text_input',
          action_id: 'login_editor_user_name',
          block_id: 'user_name',
          value: 'ada@example.com',
          action_ts: '1.1',
        },
      ],
    };
    await slack.send({
      contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    });
    const [updated] = slack.fake.callsTo('views.update');
    expect(updated?.body).toMatchObject({ view_id: 'V0EDIT', hash: 'h1' });
    expect(JSON.stringify(updated?.body.view)).toContain('ada@example.com is taken by another client');
    expect(await eventsOfType('LoginAssigned')).toHaveLength(1);
  });
});
