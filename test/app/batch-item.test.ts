import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsEmailSkip, provisionClientForBatch } from '../../src/app/batch-item.ts';
import { assignLogin, changeLoginAccess } from '../../src/app/logins.ts';
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

  it('decides who is left out of the credentials email in one rule', () => {
    const { clients, credentials } = app.deps.readModels;
    expect(credentialsEmailSkip(clients.getClient('C1')!, credentials.getCredential('C1'))).toBeNull();
    expect(credentialsEmailSkip(clients.getClient('C2')!, null)).toBe('no_email');
    expect(credentialsEmailSkip(clients.getClient('C3')!, credentials.getCredential('C3'))).toBe('login_disabled');
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
