import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLogin } from '../../src/app/logins.ts';
import { registerClients, staff } from '../support/app.ts';
import { createSlackHarness, slashCommand, type SlackHarness } from './harness.ts';

let slack: SlackHarness;

beforeEach(async () => {
  slack = await createSlackHarness();
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    { clientId: 'c-alan', firstName: 'Alan', lastName: 'Turing', email: null },
    { clientId: 'c-grace', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
  ]);
});
afterEach(() => slack.dispose());

const ackBody = async (response: Response) => {
  expect(response.status).toBe(200);
  return (await response.json()) as { response_type: string; text: string; blocks: unknown[] };
};

describe('the slash command', () => {
  it('answers a part of a name with matching client cards, visible only to the staff member', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    const body = await ackBody(await slack.send(slashCommand('lov')));
    expect(body.response_type).toBe('ephemeral');
    const text = JSON.stringify(body.blocks);
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('ada@example.com');
    expect(text).toContain('No password yet');
    expect(text).toContain('Last login: never');
    expect(text).not.toContain('Grace');
    for (const actionId of [
      'login_editor_open',
      'temp_password_issue',
      'credentials_email',
      'login_disable',
      'sessions_revoke',
      'client_history',
    ]) {
      expect(text).toContain(actionId);
    }
  });

  it('shows a client without a login with the buttons that make sense and a plain status', async () => {
    const body = await ackBody(await slack.send(slashCommand('turing')));
    const text = JSON.stringify(body.blocks);
    expect(text).toContain('Alan Turing');
    expect(text).toContain('no email on file');
    expect(text).toContain('No login');
    expect(text).toContain('Create login');
    expect(text).not.toContain('temp_password_issue');
  });

  it('asks for confirmation before destructive actions on a card', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    const body = await ackBody(await slack.send(slashCommand('ada')));
    const buttons = (body.blocks as { type: string; elements?: { action_id: string; confirm?: unknown }[] }[])
      .flatMap((block) => block.elements ?? [])
      .filter((element) => 'action_id' in element);
    const confirmed = buttons.filter((element) => element.confirm).map((element) => element.action_id.split(':')[0]);
    expect(confirmed).toEqual(
      expect.arrayContaining(['temp_password_issue', 'credentials_email', 'login_disable', 'sessions_revoke']),
    );
  });

  it('says so when nothing matches', async () => {
    const body = await ackBody(await slack.send(slashCommand('zzz')));
    expect(JSON.stringify(body.blocks)).toContain('No client matches');
  });

  it('explains itself on help and on an empty command', async () => {
    for (const text of ['help', '']) {
      const body = await ackBody(await slack.send(slashCommand(text)));
      expect(body.response_type).toBe('ephemeral');
      expect(JSON.stringify(body.blocks)).toContain('provision-all');
    }
  });

  it('offers provisioning with and without email, each behind a confirmation', async () => {
    const body = await ackBody(await slack.send(slashCommand('provision-all')));
    const text = JSON.stringify(body.blocks);
    expect(text).toContain('*2* clients with an email have no login');
    expect(text).toContain('"value":"no_email"');
    expect(text).toContain('"value":"email"');
    const buttons = (body.blocks as { type: string; elements?: { value: string; confirm?: unknown }[] }[])
      .filter((block) => block.type === 'actions')
      .flatMap((block) => block.elements ?? []);
    expect(buttons.map((button) => [button.value, Boolean(button.confirm)])).toEqual([
      ['no_email', true],
      ['email', true],
    ]);
  });

  it('offers Email Alerts groups with their sizes', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    const body = await ackBody(await slack.send(slashCommand('alerts')));
    const text = JSON.stringify(body.blocks);
    expect(text).toContain('*Never logged in* — 1 client: Ada Lovelace');
    expect(text).toContain('email_alert_start:never-logged-in');
  });

  it('appends nothing for a search', async () => {
    const before = (await slack.allEvents()).length;
    await slack.send(slashCommand('ada'));
    expect(await slack.allEvents()).toHaveLength(before);
  });
});
