import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLogin } from '../../src/app/logins.ts';
import { registerClients, staff } from '../support/app.ts';
import { checkMessage } from './block-kit.ts';
import { buttonClick, createSlackHarness, staffUser, submitView, textInput, type SlackHarness } from './harness.ts';

let slack: SlackHarness;
beforeEach(async () => {
  slack = await createSlackHarness();
  await registerClients(slack.app, [
    { clientId: 'r-1', firstName: 'Rosa', lastName: 'Diaz', email: 'rosa@example.com' },
    { clientId: 'r-2', firstName: 'Theo', lastName: 'Park', email: 'theo@example.com' },
  ]);
  for (const clientId of ['r-1', 'r-2'])
    await assignLogin(slack.app.deps, { clientId, userName: `${clientId}@example.com` }, { actor: staff });
});
afterEach(() => slack.dispose());

const requestsFor = async (clientId: string) =>
  (await slack.app.deps.store.readStream(`credential-${clientId}`)).filter(
    (event) => event.type === 'CredentialsEmailRequested',
  );

type Button = { action_id: string; value: string; text: { text: string }; confirm?: { text: { text: string } } };

describe('Email Alerts from Slack: clients emailed within the resend cooldown', () => {
  it('are counted with the reason, and "Send anyway", confirmed, emails them again as --force does', async () => {
    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'never-logged-in'));
    expect(await requestsFor('r-1')).toHaveLength(1);
    slack.app.clock.advance(3600 * 1000);

    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'never-logged-in'));
    expect(await requestsFor('r-1')).toHaveLength(1);
    const offer = slack.fake.callsTo('response_url').at(-1)!.body as { blocks: { elements?: Button[] }[] };
    expect(checkMessage(offer)).toEqual([]);
    const text = JSON.stringify(offer.blocks);
    expect(text).toContain('2 clients were left out because they were sent credentials in the last 24 hours');
    expect(text).toContain('Rosa Diaz');
    const button = offer.blocks.flatMap((block) => block.elements ?? []).find((element) => element.value)!;
    expect(button).toMatchObject({ action_id: 'credentials_resend_anyway', value: 'r-1,r-2' });
    expect(button.text.text).toBe('Send anyway to 2');
    expect(button.confirm!.text.text).toContain('stops working');

    await slack.send(buttonClick(slack.fake, button.action_id, button.value));
    expect(await requestsFor('r-1')).toHaveLength(2);
    expect(await requestsFor('r-2')).toHaveLength(2);
    expect(JSON.stringify(slack.fake.callsTo('chat.update').at(-1)?.body.blocks)).toContain('2 of 2 done');
  });

  it('offers nothing when nobody was left out for the cooldown', async () => {
    await slack.send(buttonClick(slack.fake, 'email_alert_start', 'never-logged-in'));
    const replies = slack.fake.callsTo('response_url').map((call) => JSON.stringify(call.body));
    expect(replies.some((reply) => reply.includes('credentials_resend_anyway'))).toBe(false);
  });
});

describe('Email Alerts to picked clients: those emailed within the resend cooldown', () => {
  const pick = (id: string, names: string) =>
    submitView({
      id,
      callbackId: 'email_alert_picker',
      privateMetadata: JSON.stringify({ channel: 'C0STAFF' }),
      values: textInput('client_ids', names),
    });

  it('are left out and offered "Send anyway" in the progress channel, to the staff member alone', async () => {
    await slack.send(pick('V-PICK-1', 'r-1'));
    expect(await requestsFor('r-1')).toHaveLength(1);
    slack.app.clock.advance(3600 * 1000);

    await slack.send(pick('V-PICK-2', 'r-1 r-2'));
    expect(await requestsFor('r-1')).toHaveLength(1);
    expect(await requestsFor('r-2')).toHaveLength(1);
    const offer = slack.fake.callsTo('chat.postEphemeral').at(-1)!.body as {
      channel: string;
      user: string;
      blocks: { elements?: Button[] }[];
    };
    expect(offer).toMatchObject({ channel: 'C0STAFF', user: staffUser.id });
    expect(checkMessage(offer)).toEqual([]);
    expect(JSON.stringify(offer.blocks)).toContain('Rosa Diaz');
    const button = offer.blocks.flatMap((block) => block.elements ?? []).find((element) => element.value)!;
    expect(button).toMatchObject({ action_id: 'credentials_resend_anyway', value: 'r-1' });
    expect(button.text.text).toBe('Send anyway to 1');

    await slack.send(buttonClick(slack.fake, button.action_id, button.value));
    expect(await requestsFor('r-1')).toHaveLength(2);
    expect(await requestsFor('r-2')).toHaveLength(1);
  });

  it('offers nothing when nobody picked was emailed recently', async () => {
    await slack.send(pick('V-PICK-3', 'r-1, r-2'));
    expect(await requestsFor('r-2')).toHaveLength(1);
    expect(slack.fake.callsTo('chat.postEphemeral')).toEqual([]);
  });
});
