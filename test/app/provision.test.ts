import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLogin } from '../../src/app/logins.ts';
import { provisionAll } from '../../src/app/provision.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';

describe('provision everyone', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp();
    await registerClients(app, [
      { clientId: 'C1', firstName: 'Logan', lastName: 'Thomas', email: 'logan.thomas@example.com' },
      { clientId: 'C2', firstName: 'Harper', lastName: 'Taylor', email: 'logan.thomas@example.com' },
      { clientId: 'C3', firstName: 'Mia', lastName: 'Lopez', email: null },
      { clientId: 'C4', firstName: 'Emma', lastName: 'Smith', email: 'emma.smith@example.com' },
      { clientId: 'C5', firstName: 'Noah', lastName: 'Johnson', email: 'noah@example.com' },
    ]);
  });
  afterEach(async () => app.dispose());

  it('gives every client with an email and no login the email as user name, a shared inbox first.last, and skips the rest', async () => {
    await assignLogin(app.deps, { clientId: 'C5', userName: 'noah.j' }, { actor: staff });
    const progress: number[] = [];
    const { tally } = await provisionAll(
      app.deps,
      { sendEmail: true, onProgress: (t) => void progress.push(t.done) },
      { actor: staff },
    );
    expect(tally).toEqual({ done: 3, succeeded: 3, skipped: 0, failed: 0 });
    expect(progress).toEqual([1, 2, 3]);
    const names = Object.fromEntries(
      app.deps.readModels.credentials.listCredentials().map((c) => [c.clientId, c.userName]),
    );
    expect(names).toEqual({
      C1: 'logan.thomas@example.com',
      C2: 'harper.taylor',
      C4: 'emma.smith@example.com',
      C5: 'noah.j',
    });
    const requests = (await app.deps.store.readAll({ after: null, limit: 10_000 })).filter(
      (e) => e.type === 'CredentialsEmailRequested',
    );
    expect(requests.map((e) => (e.data as { clientId: string }).clientId).sort()).toEqual(['C1', 'C2', 'C4']);
  });

  it('running it again finds nothing to do and appends no credential events', async () => {
    await provisionAll(app.deps, { sendEmail: true }, { actor: staff });
    const before = (await app.deps.store.readAll({ after: null, limit: 10_000 })).filter((e) =>
      e.stream.startsWith('credential-'),
    ).length;
    const { tally } = await provisionAll(app.deps, { sendEmail: true }, { actor: staff });
    expect(tally.done).toBe(0);
    const after = (await app.deps.store.readAll({ after: null, limit: 10_000 })).filter((e) =>
      e.stream.startsWith('credential-'),
    ).length;
    expect(after).toBe(before);
  });

  it('an interrupted batch is resumed by the next run and each client is done exactly once', async () => {
    let steps = 0;
    await expect(
      provisionAll(
        app.deps,
        {
          sendEmail: true,
          onProgress: () => {
            if (++steps === 2) throw new Error('power cut');
          },
        },
        { actor: staff },
      ),
    ).rejects.toThrow('power cut');
    const [unfinished] = app.deps.readModels.batches.unfinishedBatches('provision');
    expect(unfinished).toMatchObject({ status: 'running', total: 4 });
    let resumed = false;
    const { batchId, tally } = await provisionAll(
      app.deps,
      { sendEmail: true, onStart: (_id, r) => void (resumed = r) },
      { actor: staff },
    );
    expect(resumed).toBe(true);
    expect(batchId).toBe(unfinished!.batchId);
    expect(tally).toMatchObject({ done: 4, succeeded: 4 });
    const events = await app.deps.store.readAll({ after: null, limit: 10_000 });
    expect(events.filter((e) => e.type === 'LoginAssigned')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'CredentialsEmailRequested')).toHaveLength(4);
    expect(app.deps.readModels.batches.getBatch(batchId)).toMatchObject({ status: 'completed', done: 4 });
  });
});
