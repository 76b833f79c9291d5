import { defaultBusinessId } from '../../src/domain/business.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionClientForBatch } from '../../src/app/batch-item.ts';
import {
  chosenAtStart,
  credentialsEmailSkip,
  selectCredentialsRecipients,
} from '../../src/app/credentials-recipients.ts';
import { assignLogin, changeLoginAccess, requestCredentialsEmail } from '../../src/app/logins.ts';
import { recordEvent } from '../../src/app/record-event.ts';
import { mailStream, type MailEvent } from '../../src/domain/mail.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';

describe('one batch item for provisioning and Email Alerts', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp();
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com' },
      { clientId: 'C2', firstName: 'Ben', lastName: 'Ray', email: null },
      { clientId: 'C3', firstName: 'Cy', lastName: 'Day', email: 'cy@example.com' },
    ]);
    await assignLogin(app.deps, { clientId: 'C3', userName: 'cy.day' }, { actor: staff });
    await changeLoginAccess(app.deps, { clientId: 'C3', action: 'disable' }, { actor: staff });
  });
  afterEach(async () => app.dispose());

  const run = (sendEmail: boolean) => ({
    batchId: `B-${String(sendEmail)}`,
    sendEmail,
    emailOwners: new Map<string, string>(),
    requester: { actor: staff },
  });
  const requests = async () =>
    (await app.deps.store.readAll({ after: null, limit: 1_000 })).filter((e) => e.type === 'CredentialsEmailRequested');

  const choice = { namedById: false, force: false };
  async function emailCredentials(clientId: string) {
    if (!app.deps.readModels.credentials.getCredential(clientId))
      await assignLogin(app.deps, { clientId, userName: `${clientId.toLowerCase()}.login` }, { actor: staff });
    const requested = await requestCredentialsEmail(app.deps, { clientId }, { actor: staff });
    if (!requested.ok) throw new Error(requested.error.message);
    await app.deps.projections.catchUp();
  }
  async function bounce(clientId: string) {
    await emailCredentials(clientId);
    const request = (await app.deps.store.readStream(`credential-${clientId}`)).at(-1)!;
    const to = app.deps.readModels.clients.getClient(clientId)!.email!;
    const events: MailEvent[] = [
      {
        type: 'EmailSent',
        data: {
          clientId,
          requestEventId: request.id,
          template: 'client-login-credentials',
          to,
          providerMessageId: 'M1',
        },
      },
      { type: 'EmailBounced', data: { clientId, providerMessageId: 'M1', reason: 'no such mailbox' } },
    ];
    for (const [index, event] of events.entries())
      await recordEvent(
        app.deps.store,
        mailStream(defaultBusinessId, clientId),
        event,
        { businessId: defaultBusinessId, actor: staff, commandId: `bounce-${index}`, at: app.clock.now() },
        'any',
      );
    await app.deps.projections.catchUp();
  }

  it('decides who is left out of the credentials email in one rule', async () => {
    expect(credentialsEmailSkip(app.deps, 'C1', choice)).toBeNull();
    expect(credentialsEmailSkip(app.deps, 'C2', choice)).toBe('no_email');
    expect(credentialsEmailSkip(app.deps, 'C3', choice)).toBe('login_disabled');
    await registerClients(app, [
      { clientId: 'C4', firstName: 'Di', lastName: 'Orr', email: 'di@example.com', active: false },
    ]);
    expect(credentialsEmailSkip(app.deps, 'C4', choice)).toBe('inactive');
    expect(credentialsEmailSkip(app.deps, 'C4', { ...choice, namedById: true })).toBeNull();

    await emailCredentials('C1');
    expect(credentialsEmailSkip(app.deps, 'C1', choice)).toBe('recently_emailed');
    expect(credentialsEmailSkip(app.deps, 'C1', { ...choice, force: true })).toBeNull();
    app.clock.advance(app.deps.settings.credentialsResendCooldownSeconds * 1000);
    expect(credentialsEmailSkip(app.deps, 'C1', choice)).toBeNull();

    await bounce('C1');
    expect(credentialsEmailSkip(app.deps, 'C1', { namedById: true, force: true })).toBe('suppressed');
  });

  it('the choice when a batch starts and each item as it runs ask the same rule', async () => {
    await registerClients(app, [{ clientId: 'C4', firstName: 'Di', lastName: 'Orr', email: 'di@example.com' }]);
    await bounce('C4');
    app.clock.advance(app.deps.settings.credentialsResendCooldownSeconds * 1000);
    expect(selectCredentialsRecipients(app.deps, ['C1', 'C4'], { ...choice, sendsEmail: true })).toEqual({
      included: ['C1'],
      leftOut: { inactive: [], recentlyEmailed: [], suppressed: ['C4'] },
    });
    // Provisioning without email mails nobody: a suppressed address does not keep the login from it.
    expect(selectCredentialsRecipients(app.deps, ['C4'], { ...choice, sendsEmail: false }).included).toEqual(['C4']);
    // An address suppressed after the batch chose its recipients is skipped when its item runs.
    expect(credentialsEmailSkip(app.deps, 'C4', chosenAtStart)).toBe('suppressed');
    const before = (await requests()).length;
    expect(await provisionClientForBatch(app.deps, run(true), 'C4')).toBe('skipped');
    expect(await requests()).toHaveLength(before);
  });

  it('a disabled login is skipped and never emailed, whichever batch asks', async () => {
    expect(await provisionClientForBatch(app.deps, run(true), 'C3')).toBe('skipped');
    expect(await provisionClientForBatch(app.deps, run(false), 'C3')).toBe('succeeded');
    expect(await requests()).toEqual([]);
  });

  it('a client with an email gets a login, then the email when the batch sends it; one without is skipped', async () => {
    expect(await provisionClientForBatch(app.deps, run(true), 'C1')).toBe('succeeded');
    expect(app.deps.readModels.credentials.getCredential('C1')?.userName).toBe('ann@example.com');
    expect((await requests()).map((e) => e.stream)).toEqual(['credential-C1']);
    expect(await provisionClientForBatch(app.deps, run(true), 'C2')).toBe('skipped');
  });
});
