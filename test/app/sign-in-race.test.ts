import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredentialState } from '../../src/app/credential-decider.ts';
import { assignLogin, issueTempPassword } from '../../src/app/logins.ts';
import { choosePermanentPassword, signIn } from '../../src/app/sign-in.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';
import { dropSchema, newSchema, newServerSecret, storeUrl } from '../scale/support.ts';

/**
 * Two app instances over one log, as behind a load balancer: the client signs in with the right
 * permanent password on either while staff issue temporary passwords on either. Every login must
 * open the account, and none may count against (and so burn) a temporary password it was never
 * compared with.
 */
const userName = 'olivia@example.com';
const permanent = 'velvet otter juggles lanterns';
const logins = 50;
const issues = 10;
const loginLanes = 5;

async function preparePermanentPassword(a: TestApp): Promise<void> {
  await registerClients(a, [{ clientId: 'C1', firstName: 'Olivia', lastName: 'Nguyen', email: userName }]);
  await assignLogin(a.deps, { clientId: 'C1', userName }, { actor: staff });
  const issued = await issueTempPassword(a.deps, { clientId: 'C1', delivery: 'shown_to_staff' }, { actor: staff });
  if (!issued.ok) throw new Error(issued.error.message);
  const first = await signIn(a.deps, { userName, password: issued.value.password }, {});
  if (!first.ok) throw new Error('the first login with the temporary password failed');
  const chosen = await choosePermanentPassword(
    a.deps,
    { clientId: 'C1', newPassword: permanent },
    { actor: { kind: 'client', id: 'C1' } },
  );
  if (!chosen.ok) throw new Error(chosen.error.message);
}

/** Logins in a few lanes, each one after another, with staff issuing on the other instance between them. */
async function race(a: TestApp, b: TestApp) {
  const outcomes: boolean[] = [];
  const lane = async (index: number) => {
    for (let i = index; i < logins; i += loginLanes) {
      const signedIn = await signIn(i % 2 === 0 ? a.deps : b.deps, { userName, password: permanent }, {});
      outcomes.push(signedIn.ok);
    }
  };
  const staffIssuing = async () => {
    for (let i = 0; i < issues; i++) {
      const issued = await issueTempPassword(
        (i % 2 === 0 ? b : a).deps,
        { clientId: 'C1', delivery: 'shown_to_staff' },
        { actor: staff },
      );
      if (!issued.ok) throw new Error(issued.error.message);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
    }
  };
  await Promise.all([...Array.from({ length: loginLanes }, (_, index) => lane(index)), staffIssuing()]);
  return outcomes;
}

async function expectEveryLoginOpenedAndNothingBurned(a: TestApp, b: TestApp): Promise<void> {
  const before = (await a.deps.store.readStream('credential-C1')).length;
  const outcomes = await race(a, b);
  expect(outcomes).toHaveLength(logins);
  expect(outcomes.filter((ok) => !ok)).toHaveLength(0);
  const during = (await a.deps.store.readStream('credential-C1')).slice(before);
  expect(during.filter((e) => e.type === 'LoginFailed')).toEqual([]);
  expect(during.filter((e) => e.type === 'LoginSucceeded')).toHaveLength(logins);
  const burned = during
    .filter((e) => e.type === 'TempPasswordBurned')
    .map((e) => (e.data as { reason: string }).reason);
  // Each issue but the first replaces the one before it; nothing else ends a temporary password.
  expect(burned).toEqual(Array(issues - 1).fill('superseded'));
  const issued = during.filter((e) => e.type === 'TempPasswordIssued');
  expect(issued).toHaveLength(issues);
  // The last one issued is still there to be used.
  const state = await loadCredentialState(a.deps, 'C1');
  expect(state.status !== 'none' && state.login.temp?.id).toBe(
    (issued.at(-1)!.data as { tempPasswordId: string }).tempPasswordId,
  );
}

describe('right permanent passwords racing temporary password issues on two instances over one SQLite file', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const pepper = newServerSecret();
    a = await createTestApp({ LATCHKEY_PEPPER: pepper });
    b = await createTestApp({ LATCHKEY_PEPPER: pepper, LATCHKEY_STORE: `sqlite:${join(a.dir, 'events.sqlite')}` });
    await preparePermanentPassword(a);
    await b.deps.projections.catchUp();
  });
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
  });

  it('all 50 logins succeed and no temporary password is burned', () => expectEveryLoginOpenedAndNothingBurned(a, b));
});

describe('right permanent passwords racing temporary password issues on two instances over one PostgreSQL log', () => {
  const schema = newSchema();
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { LATCHKEY_PEPPER: newServerSecret(), LATCHKEY_STORE: storeUrl(schema) };
    a = await createTestApp(env);
    b = await createTestApp(env);
    await preparePermanentPassword(a);
    await b.deps.projections.catchUp();
  });
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    await dropSchema(schema);
  });

  it('all 50 logins succeed and no temporary password is burned', () => expectEveryLoginOpenedAndNothingBurned(a, b));
});
