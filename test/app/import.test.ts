import { describe, expect, it } from 'vitest';
import { createTestApp, registerClients } from '../support/app.ts';

describe('importing a client again', () => {
  it('details changed back to what they were before are applied, not taken for a retry', async () => {
    const app = await createTestApp();
    const withEmail = (email: string) =>
      registerClients(app, [{ clientId: 'C1', firstName: 'Ava', lastName: 'Brown', email }]);
    await withEmail('a@example.com');
    await withEmail('b@example.com');
    await withEmail('a@example.com');
    expect(app.deps.readModels.clients.getClient('C1')?.email).toBe('a@example.com');
    await app.dispose();
  });
});
