import { defaultBusinessId } from '../../src/domain/business.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/app/ids.ts';
import { assignLogin, issueTempPassword } from '../../src/app/logins.ts';
import { signIn } from '../../src/app/sign-in.ts';
import { mailStream } from '../../src/domain/mail.ts';
import { registerClients, staff } from '../support/app.ts';
import {
  alertsChannel,
  appHomeOpened,
  buttonClick,
  checkedInput,
  createSlackHarness,
  slashCommand,
  staffUser,
  submitView,
  textInput,
  viewSubmission,
  type SlackHarness,
} from './harness.ts';

let slack: SlackHarness;

beforeEach(async () => {
  slack = await createSlackHarness({ SLACK_ALERTS_CHANNEL_ID: alertsChannel, BUSINESS_TIME_ZONE: 'America/New_York' });
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    { clientId: 'c-hound', firstName: 'Hound', lastName: '<!channel> & co', email: 'hound@example.com' },
    { clientId: 'c-sleepy', firstName: 'Sleepy', lastName: 'Cat', email: 'sleepy@example.com', active: false },
    { clientId: 'C1042', firstName: 'Grace', lastName: 'Hopper', email: 'admiral@navy.example' },
  ]);
});
afterEach(() => slack.dispose());

type Block = {
  type: string;
  block_id?: string;
  elements?: { action_id?: string }[];
  accessory?: { action_id?: string };
};
const ackJson = async (response: Response) => (await response.json()) as { text: string; blocks: Block[] };
const actionIdsOf = (blocks: Block[]) =>
  blocks
    .flatMap((block) => [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])])
    .flatMap((element) => (element.action_id ? [element.action_id] : []));
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}
const eventsOfType = async (type: string) => (await slack.allEvents()).filter((event) => event.type === type);

async function bounce(clientId: string) {
  const at = slack.app.clock.now().toISOString();
  const metadata = { actor: { kind: 'system', id: 'mail-relay' } as const, at };
  const appended = await slack.app.deps.store.append(
    mailStream(defaultBusinessId, clientId),
    [
      {
        id: newId(),
        type: 'EmailSent',
        data: {
          clientId,
          requestEventId: 'r1',
          template: 'client-login-credentials',
          to: 'ada@example.com',
          providerMessageId: 'm1',
        },
        metadata,
      },
      {
        id: newId(),
        type: 'EmailBounced',
        data: { clientId, providerMessageId: 'm1', reason: 'no such mailbox' },
        metadata,
      },
    ],
    { expected: 'any' },
  );
  await slack.app.deps.projections.waitFor(appended.position);
}

describe('payloads Slack accepts', () => {
  it('the provisioning and Email Alerts menus give every button its own action id, and each still starts its run', async () => {
    const provision = await ackJson(await slack.send(slashCommand('provision-all')));
    expect(actionIdsOf(provision.blocks)).toEqual(['provision_start:no_email', 'provision_start:email']);
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    const alerts = await ackJson(await slack.send(slashCommand('alerts')));
    const ids = actionIdsOf(alerts.blocks);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['email_alert_start:never-logged-in', 'email_alert_start:no-login', 'email_alert_pick']);
    await slack.send(buttonClick(slack.fake, 'provision_start:email', 'email'));
    expect((await eventsOfType('BatchStarted'))[0]?.data).toMatchObject({
      kind: 'provision',
      options: { sendEmail: true },
    });
  });

  it('escapes client names in the top-level text as well as the blocks, so nobody is pinged', async () => {
    const found = await ackJson(await slack.send(slashCommand('hound')));
    expect(JSON.stringify(found)).toContain('Hound &lt;!channel&gt; &amp; co');
    await assignLogin(slack.app.deps, { clientId: 'c-hound', userName: 'hound.co' }, { actor: staff });
    await issueTempPassword(slack.app.deps, { clientId: 'c-hound', delivery: 'shown_to_staff' }, { actor: staff });
    await signIn(slack.app.deps, { userName: 'hound.co', password: 'maple-river-otter-lamp-23456' }, {});
    await slack.bot.alerts.catchUp();
    await slack.send(buttonClick(slack.fake, 'client_history:c-hound', 'c-hound'));
    await slack.send(buttonClick(slack.fake, 'temp_password_issue:c-hound', 'c-hound'));
    // Where Slack parses mentions: top-level text and mrkdwn (plain_text shows them as typed).
    const parsed = slack.fake.calls.flatMap((call) => [String(call.body.text ?? ''), ...mrkdwnTexts(call.body)]);
    expect(parsed.join('\n')).toContain('&lt;!channel&gt;');
    expect(parsed.filter((text) => text.includes('<!channel>'))).toEqual([]);
    const alert = slack.fake.callsTo('chat.postMessage').find((call) => call.body.channel === alertsChannel);
    expect(String(alert?.body.text)).toContain('Hound &lt;!channel&gt; &amp; co');
  });
});

describe('inactive clients', () => {
  it('are marked inactive on the card and in search results', async () => {
    const found = await ackJson(await slack.send(slashCommand('sleepy')));
    expect(JSON.stringify(found.blocks)).toContain('*Inactive* in the directory');
    const active = await ackJson(await slack.send(slashCommand('lovelace')));
    expect(JSON.stringify(active.blocks)).not.toContain('Inactive');
  });

  it('can be picked by id for Email Alerts, while unknown names change nothing', async () => {
    const refused = await slack.send(
      submitView({
        id: 'V-PICK-1',
        callbackId: 'email_alert_picker',
        privateMetadata: JSON.stringify({ channel: 'C0STAFF' }),
        values: textInput('client_ids', 'c-sleepy, nobody@example.com'),
      }),
    );
    expect(JSON.stringify(await refused.json())).toContain('No single client matches nobody@example.com');
    expect(await eventsOfType('BatchStarted')).toHaveLength(0);
    const sent = await slack.send(
      submitView({
        id: 'V-PICK-2',
        callbackId: 'email_alert_picker',
        privateMetadata: JSON.stringify({ channel: 'C0STAFF' }),
        values: textInput('client_ids', 'c-sleepy\nada@example.com'),
      }),
    );
    expect(JSON.stringify(await sent.json())).toContain(
      'Sending the credentials email to 2 clients: Sleepy Cat, Ada Lovelace',
    );
    const requested = await eventsOfType('CredentialsEmailRequested');
    expect(requested.map((event) => (event.data as { clientId: string }).clientId).sort()).toEqual([
      'c-ada',
      'c-sleepy',
    ]);
    expect(slack.fake.callsTo('chat.postMessage').at(-1)?.body.channel).toBe('C0STAFF');
  });
});

describe('fixing a bounced email', () => {
  it('the bounce alert offers "Change email", whose modal records the change by the staff member and re-sends on request', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    await bounce('c-ada');
    await slack.bot.alerts.catchUp();
    const alert = slack.fake.callsTo('chat.postMessage').find((call) => call.body.channel === alertsChannel);
    expect(JSON.stringify(alert?.body.blocks)).toContain('"action_id":"email_editor_open:c-ada"');

    await slack.send(buttonClick(slack.fake, 'email_editor_open:c-ada', 'c-ada'));
    const opened = slack.fake.callsTo('views.open').at(-1)?.body.view as {
      callback_id: string;
      private_metadata: string;
    };
    expect(opened.callback_id).toBe('email_editor');
    const bad = await slack.send(
      submitView({
        id: 'V-EMAIL-0',
        callbackId: 'email_editor',
        privateMetadata: opened.private_metadata,
        values: { ...textInput('email', 'not an email'), ...checkedInput('resend', null) },
      }),
    );
    expect(JSON.stringify(await bad.json())).toContain('is not a valid email address');
    expect(await eventsOfType('ClientDetailsChanged')).toHaveLength(0);

    const saved = await slack.send(
      submitView({
        id: 'V-EMAIL-1',
        callbackId: 'email_editor',
        privateMetadata: opened.private_metadata,
        values: { ...textInput('email', 'Ada.New@Example.com'), ...checkedInput('resend', 'resend') },
      }),
    );
    expect(JSON.stringify(await saved.json())).toContain('Email changed to ada.new@example.com (was ada@example.com)');
    const [changed] = await eventsOfType('ClientDetailsChanged');
    expect(changed?.data).toEqual({ clientId: 'c-ada', changes: { email: 'ada.new@example.com' } });
    expect(changed?.metadata.actor).toEqual({ kind: 'staff', id: staffUser.id, name: staffUser.name });
    expect(await eventsOfType('CredentialsEmailRequested')).toHaveLength(1);
    // The card the modal was opened from shows the new address.
    const refreshed = slack.fake.callsTo('response_url').at(-1)?.body as { replace_original: boolean };
    expect(refreshed.replace_original).toBe(true);
    expect(JSON.stringify(refreshed)).toContain('ada.new@example.com');
  });

  it('the card offers "Change email" too', async () => {
    const card = await ackJson(await slack.send(slashCommand('ada')));
    expect(actionIdsOf(card.blocks)).toContain('email_editor_open:c-ada');
  });
});

describe('search', () => {
  it('finds a client by id and says why a client matched when it was not the name', async () => {
    const byId = await ackJson(await slack.send(slashCommand('C1042')));
    expect(JSON.stringify(byId.blocks)).toContain('Grace Hopper');
    expect(JSON.stringify(byId.blocks)).toContain('_Matched on client id._');
    const byEmail = await ackJson(await slack.send(slashCommand('navy')));
    expect(JSON.stringify(byEmail.blocks)).toContain('_Matched on email._');
    const byName = await ackJson(await slack.send(slashCommand('grace')));
    expect(JSON.stringify(byName.blocks)).not.toContain('Matched on');
  });
});

describe('the Home tab', () => {
  it('offers search, provisioning and Email Alerts, and lists bounces and burned passwords each with its button', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    await bounce('c-ada');
    await assignLogin(slack.app.deps, { clientId: 'C1042', userName: 'grace.hopper' }, { actor: staff });
    await issueTempPassword(slack.app.deps, { clientId: 'C1042', delivery: 'shown_to_staff' }, { actor: staff });
    await signIn(slack.app.deps, { userName: 'grace.hopper', password: 'maple-river-otter-lamp-23456' }, {});
    await slack.send(appHomeOpened());
    const view = slack.fake.callsTo('views.publish').at(-1)?.body.view as { blocks: Block[] };
    const ids = actionIdsOf(view.blocks);
    expect(ids).toEqual(
      expect.arrayContaining([
        'home_search',
        'home_provision',
        'home_email_alerts',
        'email_editor_open:c-ada',
        'credentials_email:C1042',
      ]),
    );
    const text = JSON.stringify(view);
    expect(text).toContain('Emails that bounced');
    expect(text).toContain('Temporary passwords burned');
    expect(text).toContain('Temporary password burned by a failed login attempt');
    // Times in the business's zone (New York), words instead of event names or field names.
    expect(text).toContain('09:00 EST');
    expect(text).not.toMatch(/TempPasswordBurned|UserNameReserved|firstName:/);
  });

  it('its buttons open the search, provisioning and Email Alerts menus in modals, and the search finds clients', async () => {
    for (const actionId of ['home_search', 'home_provision', 'home_email_alerts'])
      await slack.send(buttonClick(slack.fake, actionId, 'x', { channel: null }));
    const titles = slack.fake
      .callsTo('views.open')
      .map((call) => (call.body.view as { title: { text: string } }).title.text);
    expect(titles).toEqual(['Find a client', 'Provision everyone', 'Email Alerts']);
    const results = await slack.send(
      submitView({
        id: 'V-SEARCH',
        callbackId: 'client_search',
        privateMetadata: '',
        values: textInput('search_text', 'lovelace'),
      }),
    );
    expect(JSON.stringify(await results.json())).toContain('Ada Lovelace');
  });
});

describe('plain language', () => {
  it('history labels every event in words, with times in the business time zone and no field names', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    await slack.send(buttonClick(slack.fake, 'client_history:c-ada', 'c-ada'));
    const history = JSON.stringify(slack.fake.callsTo('response_url').at(-1)?.body);
    expect(history).toContain('Login created with user name ada@example.com');
    expect(history).toContain('User name ada@example.com taken for this client');
    expect(history).toContain('Tue, 3 Mar 2026, 09:00 EST');
    expect(history).not.toMatch(/UserNameReserved|LoginAssigned|userName:|firstName:/);
  });

  it('buttons say what they do, and the card refreshes after the login editor saves', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    const card = JSON.stringify((await ackJson(await slack.send(slashCommand('ada')))).blocks);
    expect(card).toContain('Show a new temporary password');
    expect(card).toContain('Email new credentials');
    await slack.send(buttonClick(slack.fake, 'login_editor_open:c-ada', 'c-ada'));
    const opened = slack.fake.callsTo('views.open').at(-1)?.body.view as { private_metadata: string };
    const responseUrl = (JSON.parse(opened.private_metadata) as { responseUrl: string }).responseUrl;
    expect(responseUrl).toMatch(/\/response\//);
    const submission = viewSubmission({
      id: 'V-ED',
      clientId: 'c-ada',
      userName: 'countess',
      active: true,
      emailNow: false,
    });
    const body = new URLSearchParams(submission.body);
    const payload = JSON.parse(body.get('payload')!) as { view: { private_metadata: string } };
    payload.view.private_metadata = opened.private_metadata;
    await slack.send({ ...submission, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() });
    const refreshed = slack.fake.callsTo('response_url').at(-1);
    expect(refreshed?.body.replace_original).toBe(true);
    expect(JSON.stringify(refreshed?.body)).toContain('countess');
  });
});
