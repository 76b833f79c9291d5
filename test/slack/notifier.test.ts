import { defaultBusinessId } from '../../src/domain/business.ts';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/app/ids.ts';
import { assignLogin, issueTempPassword } from '../../src/app/logins.ts';
import { choosePermanentPassword, signIn } from '../../src/app/sign-in.ts';
import { mailStream, type MailEvent } from '../../src/domain/mail.ts';
import { createLogger } from '../../src/logger.ts';
import { openAlertCheckpoint } from '../../src/slack/alert-checkpoint.ts';
import { startSlackBot } from '../../src/slack/bot.ts';
import { registerClients, staff } from '../support/app.ts';
import { alertsChannel, buttonClick, createSlackHarness, type SlackHarness } from './harness.ts';

let slack: SlackHarness;

beforeEach(async () => {
  slack = await createSlackHarness({ SLACK_ALERTS_CHANNEL_ID: alertsChannel });
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  ]);
  await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
});
afterEach(() => slack.dispose());

const alerts = () => slack.fake.callsTo('chat.postMessage').filter((call) => call.body.channel === alertsChannel);
const catchUp = () => slack.bot.alerts.catchUp();

async function appendMailEvent(event: MailEvent): Promise<void> {
  await slack.app.deps.store.append(
    mailStream(defaultBusinessId, 'c-ada'),
    [
      {
        id: newId(),
        ...event,
        metadata: { actor: { kind: 'system', id: 'mail-relay' }, at: slack.app.clock.now().toISOString() },
      },
    ],
    { expected: 'any' },
  );
}

describe('staff alerts', () => {
  it('reports a temporary password burned by a failed attempt, with a button to email a new one, and no secret', async () => {
    const issued = await issueTempPassword(
      slack.app.deps,
      { clientId: 'c-ada', delivery: 'shown_to_staff' },
      { actor: staff },
    );
    if (!issued.ok) throw new Error('not issued');
    await signIn(slack.app.deps, { userName: 'ada@example.com', password: 'wrong-guess-like-this-22222' }, {});
    await catchUp();

    const [alert] = alerts();
    const text = JSON.stringify(alert?.body);
    expect(text).toContain('burned by a failed login attempt');
    expect(text).toContain('Ada Lovelace');
    expect(text).not.toContain(issued.value.password);
    expect(alert?.body.metadata).toEqual({
      event_type: 'latchkey_alert',
      event_payload: { event_id: expect.any(String) },
    });
    const buttons = JSON.stringify((alert?.body.blocks as unknown[]).at(-1));
    expect(buttons).toContain('"action_id":"credentials_email"');
    expect(buttons).toContain('"confirm"');

    await slack.send(buttonClick(slack.fake, 'credentials_email', 'c-ada', { channel: alertsChannel }));
    expect((await slack.allEvents()).filter((event) => event.type === 'CredentialsEmailRequested')).toHaveLength(1);
  });

  it('reports bounced and permanently failed email, and not temporary failures', async () => {
    await appendMailEvent({
      type: 'EmailBounced',
      data: { clientId: 'c-ada', providerMessageId: 'm1', reason: 'mailbox does not exist' },
    });
    await appendMailEvent({
      type: 'EmailDeliveryFailed',
      data: { clientId: 'c-ada', providerMessageId: 'm2', severity: 'temporary', reason: 'greylisted' },
    });
    await appendMailEvent({
      type: 'EmailDeliveryFailed',
      data: { clientId: 'c-ada', providerMessageId: 'm3', severity: 'permanent', reason: 'rejected' },
    });
    await appendMailEvent({
      type: 'EmailSendFailed',
      data: {
        clientId: 'c-ada',
        requestEventId: 'r1',
        template: 'client-login-credentials',
        permanent: true,
        reason: 'invalid address',
      },
    });
    await catchUp();
    const texts = alerts().map((call) => String(call.body.text));
    expect(texts).toEqual([
      'An email to Ada Lovelace bounced',
      'An email to Ada Lovelace could not be delivered',
      'An email to Ada Lovelace could not be sent',
    ]);
  });

  it('reports a completed first login', async () => {
    const issued = await issueTempPassword(
      slack.app.deps,
      { clientId: 'c-ada', delivery: 'shown_to_staff' },
      { actor: staff },
    );
    if (!issued.ok) throw new Error('not issued');
    await signIn(slack.app.deps, { userName: 'ada@example.com', password: issued.value.password }, {});
    const chosen = await choosePermanentPassword(
      slack.app.deps,
      { clientId: 'c-ada', newPassword: 'correct horse battery staple 42' },
      { actor: { kind: 'client', id: 'c-ada' } },
    );
    expect(chosen.ok).toBe(true);
    await catchUp();
    expect(alerts().map((call) => String(call.body.text))).toEqual(['Ada Lovelace completed their first login']);
  });

  it('does not post an alert twice across a restart, and records each one in the log', async () => {
    await appendMailEvent({
      type: 'EmailBounced',
      data: { clientId: 'c-ada', providerMessageId: 'm1', reason: 'gone' },
    });
    await catchUp();
    await slack.bot.stop();
    // As if the process died after posting but before its checkpoint moved: the restart re-reads the bounce.
    const checkpoint = openAlertCheckpoint(join(slack.app.dir, 'slack-alerts.sqlite'));
    checkpoint.write('0');
    checkpoint.close();
    const restarted = await startSlackBot(slack.app, slack.app.config.slack!, { logger: createLogger('silent') });
    await restarted.alerts.catchUp();
    await restarted.stop();
    expect(alerts()).toHaveLength(1);
    const records = (await slack.allEvents())
      .filter((event) => event.stream.startsWith('staff-alert-'))
      .map((event) => event.type);
    expect(records).toEqual(['StaffAlertClaimed', 'StaffAlertPosted']);
  });

  it('retries an alert Slack refused, and records it posted once', async () => {
    slack.fake.failNext('chat.postMessage', 'ratelimited');
    await appendMailEvent({
      type: 'EmailBounced',
      data: { clientId: 'c-ada', providerMessageId: 'm1', reason: 'gone' },
    });
    // Whichever drain meets the refusal fails; the next one starts again from the checkpoint.
    await catchUp().catch(() => catchUp());
    expect(alerts().map((call) => call.body.text)).toEqual([
      'An email to Ada Lovelace bounced',
      'An email to Ada Lovelace bounced',
    ]);
    expect((await slack.allEvents()).filter((event) => event.type === 'StaffAlertPosted')).toHaveLength(1);
  });
});
