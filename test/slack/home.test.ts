import { defaultBusinessId } from '../../src/domain/business.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLogin, changeLoginAccess, issueTempPassword } from '../../src/app/logins.ts';
import { newId } from '../../src/app/ids.ts';
import { mailStream } from '../../src/domain/mail.ts';
import { registerClients, staff } from '../support/app.ts';
import { appHomeOpened, createSlackHarness, staffUser, type SlackHarness } from './harness.ts';

let slack: SlackHarness;

beforeEach(async () => {
  slack = await createSlackHarness();
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    { clientId: 'c-alan', firstName: 'Alan', lastName: 'Turing', email: null },
    { clientId: 'c-grace', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
    { clientId: 'c-kat', firstName: 'Katherine', lastName: 'Johnson', email: 'kat@example.com' },
  ]);
  const { deps } = slack.app;
  await assignLogin(deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
  await issueTempPassword(deps, { clientId: 'c-ada', delivery: 'shown_to_staff' }, { actor: staff });
  await assignLogin(deps, { clientId: 'c-grace', userName: 'grace@example.com' }, { actor: staff });
  await changeLoginAccess(deps, { clientId: 'c-grace', action: 'disable' }, { actor: staff });
  await assignLogin(deps, { clientId: 'c-kat', userName: 'kat@example.com' }, { actor: staff });
  await issueTempPassword(deps, { clientId: 'c-kat', delivery: 'shown_to_staff' }, { actor: staff });
  slack.app.clock.advance(8 * 24 * 3600 * 1000);
});
afterEach(() => slack.dispose());

describe('the App Home tab', () => {
  it('is published for the staff member with logins counted by status and the latest activity', async () => {
    await slack.send(appHomeOpened());
    const [published] = slack.fake.callsTo('views.publish');
    expect(published?.body.user_id).toBe(staffUser.id);
    const text = JSON.stringify(published?.body.view);
    expect(text).toContain('No login: *1*');
    expect(text).toContain('Temporary password expired: *2*');
    expect(text).toContain('Disabled: *1*');
    expect(text).toContain('Active: *0*');
    expect(text).toContain('Last email bounced: *0*');
    expect(text).toContain('Recent activity');
    expect(text).toContain('*Katherine Johnson* — Temporary password shown to staff');
    expect(text).not.toMatch(/UserNameReserved|LoginAssigned|firstName:/);
    expect(text).toContain('*Grace Hopper* — Login disabled');
  });

  it('counts logins whose last email bounced, as the mail events report it', async () => {
    const at = slack.app.clock.now().toISOString();
    const metadata = { actor: { kind: 'system', id: 'mail-relay' } as const, at };
    const appended = await slack.app.deps.store.append(
      mailStream(defaultBusinessId, 'c-ada'),
      [
        {
          id: newId(),
          type: 'EmailSent',
          data: {
            clientId: 'c-ada',
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
          data: { clientId: 'c-ada', providerMessageId: 'm1', reason: 'no such mailbox' },
          metadata,
        },
      ],
      { expected: 'any' },
    );
    await slack.app.deps.projections.waitFor(appended.position);
    await slack.send(appHomeOpened());
    expect(JSON.stringify(slack.fake.callsTo('views.publish')[0]?.body.view)).toContain('Last email bounced: *1*');
  });

  it('is left alone when another tab is opened', async () => {
    const request = appHomeOpened();
    await slack.send({ ...request, body: request.body.replace('"tab":"home"', '"tab":"messages"') });
    expect(slack.fake.callsTo('views.publish')).toHaveLength(0);
  });
});
