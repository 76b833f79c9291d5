import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendEmailAlert } from '../../src/app/email-alerts.ts';
import { requestCredentialsEmail } from '../../src/app/logins.ts';
import { provisionAll } from '../../src/app/provision.ts';
import { emailAlertGroupChoices, emailAlertRecipientCount } from '../../src/slack/email-alert-groups.ts';
import { provisioningWaiting } from '../../src/slack/provisioning-plan.ts';
import { registerClients, staff, type TestApp } from '../support/app.ts';
import { createMailTestApp } from '../mail/support.ts';

// C-1..C-3 have logins and never signed in; C-1 was just emailed. C-4 and C-6 have no login, C-6 is
// inactive; C-5 has no email.
describe("the Slack menus' counts follow the credentials rule they send by", () => {
  let app: TestApp;

  beforeEach(async () => {
    app = await createMailTestApp();
    await registerClients(app, [
      { clientId: 'C-4', firstName: 'Ava', lastName: 'Brooks', email: 'ava.brooks@example.com' },
      { clientId: 'C-5', firstName: 'Noah', lastName: 'Kim', email: null },
      { clientId: 'C-6', firstName: 'Iris', lastName: 'Lund', email: 'iris.lund@example.com', active: false },
    ]);
    await requestCredentialsEmail(app.deps, { clientId: 'C-1' }, { actor: staff });
    await app.deps.projections.catchUp();
  });
  afterEach(() => app.dispose());

  it('"never logged in" counts neither the client emailed within the cooldown nor anyone the alert then leaves out', async () => {
    const count = emailAlertRecipientCount(app.deps, 'never-logged-in');
    const shown = emailAlertGroupChoices(app.deps).find((group) => group.id === 'never-logged-in')!;
    const sent = await sendEmailAlert(app.deps, { group: 'never-logged-in' }, { actor: staff });

    expect(count).toBe(2);
    expect(shown.count).toBe(count);
    expect(shown.names).toEqual(['Marcus Bell', 'Priya Shah']);
    expect(sent).toMatchObject({
      ok: true,
      value: { total: count, tally: { succeeded: count }, leftOut: { recentlyEmailed: ['C-1'] } },
    });
  });

  it('"no login" leaves out the inactive client, in the count and in the send', async () => {
    const count = emailAlertRecipientCount(app.deps, 'no-login');
    const sent = await sendEmailAlert(app.deps, { group: 'no-login' }, { actor: staff });

    expect(count).toBe(1);
    expect(sent).toMatchObject({ ok: true, value: { total: count, leftOut: { inactive: ['C-6'] } } });
  });

  it('provisioning counts what provisionAll then takes on, with email and without', async () => {
    const withEmail = provisioningWaiting(app.deps, { sendEmail: true });
    const withoutEmail = provisioningWaiting(app.deps, { sendEmail: false });
    const { tally, leftOut } = await provisionAll(app.deps, { sendEmail: true }, { actor: staff });

    expect(withEmail).toBe(1);
    expect(withoutEmail).toBe(1);
    expect(tally.done).toBe(withEmail);
    expect(leftOut.inactive).toEqual(['C-6']);
  });
});
