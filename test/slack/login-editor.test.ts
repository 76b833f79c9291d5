import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLogin } from '../../src/app/logins.ts';
import { registerClients, staff } from '../support/app.ts';
import { createSlackHarness, staffUser, viewSubmission, type SlackHarness } from './harness.ts';

let slack: SlackHarness;

beforeEach(async () => {
  slack = await createSlackHarness();
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    { clientId: 'c-alan', firstName: 'Alan', lastName: 'Turing', email: null },
  ]);
});
afterEach(() => slack.dispose());

const slackActor = { kind: 'staff', id: staffUser.id, name: staffUser.name };
const credentialEvents = async (clientId: string) =>
  (await slack.allEvents()).filter((event) => event.stream === `credential-${clientId}`).map((event) => event.type);
const answer = async (response: Response) =>
  (await response.json()) as { response_action: string; errors?: Record<string, string>; view?: unknown };

describe('saving the System Login Editor', () => {
  it('creates the login, keeps it active and asks for the credentials email in one save, by the Slack user', async () => {
    const response = await slack.send(
      viewSubmission({ id: 'V1', clientId: 'c-ada', userName: ' Ada.Lovelace ', active: true, emailNow: true }),
    );
    const body = await answer(response);
    expect(body.response_action).toBe('update');
    expect(JSON.stringify(body.view)).toContain('ada.lovelace');
    expect(await credentialEvents('c-ada')).toEqual(['LoginAssigned', 'CredentialsEmailRequested']);
    const appended = (await slack.allEvents()).filter(
      (event) => event.stream.startsWith('credential-') || event.stream.startsWith('username-'),
    );
    for (const event of appended) expect(event.metadata.actor).toEqual(slackActor);
  });

  it('appends nothing new when the same submission arrives again', async () => {
    const submission = { id: 'V2', clientId: 'c-ada', userName: 'ada.lovelace', active: false, emailNow: false };
    await slack.send(viewSubmission(submission), { timestamp: Math.floor(Date.now() / 1000) - 1 });
    const before = (await slack.allEvents()).length;
    const again = await answer(await slack.send(viewSubmission(submission)));
    expect(again.response_action).toBe('update');
    expect(await slack.allEvents()).toHaveLength(before);
    expect(await credentialEvents('c-ada')).toEqual(['LoginAssigned', 'LoginDisabled']);
  });

  it('renames and switches off an existing login, and a corrected resubmission of the same modal is saved too', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
    await slack.send(
      viewSubmission({ id: 'V3', clientId: 'c-ada', userName: 'countess', active: false, emailNow: false }),
    );
    await slack.send(
      viewSubmission({ id: 'V3', clientId: 'c-ada', userName: 'countess.ada', active: true, emailNow: false }),
    );
    expect(await credentialEvents('c-ada')).toEqual([
      'LoginAssigned',
      'LoginRenamed',
      'LoginDisabled',
      'LoginRenamed',
      'LoginEnabled',
    ]);
    expect(slack.app.deps.readModels.credentials.getCredential('c-ada')).toMatchObject({
      userName: 'countess.ada',
      disabled: false,
    });
    expect(slack.app.deps.readModels.credentials.findClientIdByUserName('countess')).toBeNull();
  });

  it('answers an invalid user name with an inline error and changes nothing', async () => {
    const body = await answer(
      await slack.send(
        viewSubmission({ id: 'V5', clientId: 'c-ada', userName: 'ada lovelace', active: true, emailNow: false }),
      ),
    );
    expect(body.response_action).toBe('errors');
    expect(body.errors?.user_name).toContain("can't contain spaces");
    expect(await credentialEvents('c-ada')).toEqual([]);
  });

  it('answers a user name another client holds with an inline error', async () => {
    await assignLogin(slack.app.deps, { clientId: 'c-alan', userName: 'ada.lovelace' }, { actor: staff });
    const body = await answer(
      await slack.send(
        viewSubmission({ id: 'V6', clientId: 'c-ada', userName: 'ada.lovelace', active: true, emailNow: false }),
      ),
    );
    expect(body.errors?.user_name).toContain('taken by another client');
    expect(await credentialEvents('c-ada')).toEqual([]);
  });

  it('refuses to email credentials to a login being switched off, on the email field', async () => {
    const body = await answer(
      await slack.send(
        viewSubmission({ id: 'V7', clientId: 'c-ada', userName: 'ada.lovelace', active: false, emailNow: true }),
      ),
    );
    expect(body.errors?.email_now).toContain('only be emailed to an active login');
    expect(await credentialEvents('c-ada')).toEqual([]);
  });

  it('saves a client without email, whose editor has no email field', async () => {
    const body = await answer(
      await slack.send(
        viewSubmission({
          id: 'V8',
          clientId: 'c-alan',
          userName: 'alan.turing',
          active: true,
          emailNow: false,
          hasEmailBlock: false,
        }),
      ),
    );
    expect(body.response_action).toBe('update');
    expect(await credentialEvents('c-alan')).toEqual(['LoginAssigned']);
  });
});
