import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeIdentifier } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import {
  dropSchema,
  eventually,
  newSchema,
  newServerSecret,
  startInstance,
  storeUrl,
  Visitor,
  withPostgres,
  type Instance,
} from './support.ts';

/**
 * Two `latchkey serve` processes on one PostgreSQL log, each with its own read-model file, as
 * behind a load balancer: they share the store, the pepper, the session secret and the public
 * origin, and nothing else. Staff commands come from the CLI, a third process.
 */
const publicOrigin = 'https://login.example.test';
const password = 'velvet otter juggles lanterns';
const otherPassword = 'copper kettle whistles softly';

const schema = newSchema();
const root = mkdtempSync(join(tmpdir(), 'latchkey-scale-'));
const shared = {
  LATCHKEY_STORE: storeUrl(schema),
  LATCHKEY_PEPPER: newServerSecret(),
  SESSION_SECRET: newServerSecret(),
  PUBLIC_ORIGIN: publicOrigin,
  // Polling tests send more forms than a person would; per-IP limits are not what is tested here.
  IP_RATE_LIMIT_PER_MINUTE: '10000',
  LOGIN_FREE_FAILURES: '3',
  // Long enough that no slow machine outlasts the wait between one attempt and the next.
  LOGIN_BACKOFF_BASE_SECONDS: '600',
};
let a: Instance;
let b: Instance;

const dataDir = (name: string) => mkdtempSync(join(root, `${name}-`));

/** A staff command through the real CLI, with a fresh local read model of its own. */
async function staffCli(...args: string[]): Promise<string> {
  const result = await runCli(args, { ...shared, LATCHKEY_DATA_DIR: dataDir('cli'), LATCHKEY_READ_MODELS: ':memory:' });
  if (result.code !== 0) throw new Error(`latchkey ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function issueTemp(client: string): Promise<string> {
  const printed = await staffCli('login', 'issue-temp', client);
  return /Temporary password: (\S+)/.exec(printed)![1]!;
}

const credentialEvents = (clientId: string) =>
  withPostgres(async (db) => {
    const { rows } = await db.query<{ type: string; data: string }>(
      `SELECT type, data FROM ${escapeIdentifier(schema)}.events WHERE stream = $1 ORDER BY revision`,
      [`credential-${clientId}`],
    );
    return rows.map((row) => ({ type: row.type, data: JSON.parse(row.data) as Record<string, unknown> }));
  });

const login = (visitor: Visitor, instance: Instance, userName: string, secret: string) =>
  visitor.post(instance, '/login', { username: userName, password: secret });

/** Signs in with a temporary password on `instance` and chooses `chosen`; the visitor ends with a full session. */
async function firstLogin(
  visitor: Visitor,
  instance: Instance,
  userName: string,
  temp: string,
  chosen: string,
): Promise<void> {
  expect((await login(visitor, instance, userName, temp)).headers.get('location')).toBe('/choose-password');
  const response = await visitor.post(instance, '/choose-password', { newPassword: chosen, confirmPassword: chosen });
  expect(response.headers.get('location')).toMatch(/^\/account/);
}

beforeAll(async () => {
  await staffCli('demo');
  [a, b] = await Promise.all([
    startInstance({ ...shared, LATCHKEY_DATA_DIR: dataDir('a') }),
    // One instance relays mail; the others leave it to that one.
    startInstance({ ...shared, LATCHKEY_DATA_DIR: dataDir('b'), MAIL_RELAY: 'false' }),
  ]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await dropSchema(schema);
  rmSync(root, { recursive: true, force: true });
});

describe('several app instances on one PostgreSQL log', () => {
  it('a temporary password sent to both instances at once signs in exactly once', async () => {
    const clients = [
      { id: 'D1003', userName: 'emma.smith@example.com' },
      { id: 'D1004', userName: 'noah.johnson@example.com' },
    ];
    const temps = await Promise.all(clients.map((client) => issueTemp(client.id)));
    const outcomes = await Promise.all(
      clients.flatMap((client, i) =>
        [a, b].map((instance) => login(new Visitor(publicOrigin), instance, client.userName, temps[i]!)),
      ),
    );
    for (const [i, client] of clients.entries()) {
      const pair = outcomes
        .slice(2 * i, 2 * i + 2)
        .map((response) => response.status)
        .sort();
      expect(pair, client.id).toEqual([303, 422]);
      const types = (await credentialEvents(client.id)).map((event) => event.type);
      expect(
        types.filter((type) => type === 'TempPasswordConsumed'),
        client.id,
      ).toHaveLength(1);
      expect(
        types.filter((type) => type === 'LoginSucceeded'),
        client.id,
      ).toHaveLength(1);
    }
  });

  it('a password changed on one instance ends the sessions the other instance started', async () => {
    const onB = new Visitor(publicOrigin);
    await firstLogin(onB, b, 'ava.brown@example.com', await issueTemp('D1005'), password);
    expect((await onB.get(b, '/account')).status).toBe(200);
    // The instances share the session secret and origin, so a session started on B also opens A.
    expect((await onB.get(a, '/account')).status).toBe(200);

    const onA = new Visitor(publicOrigin);
    expect((await login(onA, a, 'ava.brown@example.com', password)).headers.get('location')).toBe('/account');
    const changed = await onA.post(a, '/account/password', {
      currentPassword: password,
      newPassword: otherPassword,
      confirmPassword: otherPassword,
    });
    expect(changed.headers.get('location')).toBe('/account?notice=password-changed');

    const ended = await eventually(
      () => onB.get(b, '/account'),
      (response) => response.status !== 200,
    );
    expect(ended.headers.get('location')).toBe('/login');
    // …while the session A started at the new version is honoured by B once B has read the change.
    expect(
      (
        await eventually(
          () => onA.get(b, '/account'),
          (response) => response.status === 200,
        )
      ).status,
    ).toBe(200);
  });

  it('a login renamed by a staff command elsewhere is found by a login on an instance', async () => {
    const temp = await issueTemp('D1006');
    await staffCli('login', 'assign', 'D1006', 'mason.m@example.com');
    const visitor = new Visitor(publicOrigin);
    const signedIn = await eventually(
      () => login(visitor, b, 'mason.m@example.com', temp),
      (response) => response.status === 303,
    );
    expect(signedIn.headers.get('location')).toBe('/choose-password');
  });

  it('failures spread over both instances count together toward the throttle', async () => {
    const visitor = new Visitor(publicOrigin);
    await firstLogin(visitor, a, 'lucas.martinez@example.com', await issueTemp('D1008'), password);
    expect((await login(visitor, b, 'lucas.martinez@example.com', password)).headers.get('location')).toBe('/account');

    // LOGIN_FREE_FAILURES is 3: neither instance alone sees three failures.
    for (const instance of [a, b, a])
      expect((await login(visitor, instance, 'lucas.martinez@example.com', 'not the password')).status).toBe(422);
    for (const instance of [b, a])
      expect((await login(visitor, instance, 'lucas.martinez@example.com', password)).status).toBe(422);

    const failures = (await credentialEvents('D1008'))
      .filter((event) => event.type === 'LoginFailed')
      .map((event) => event.data.reason);
    expect(failures).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'throttled', 'throttled']);
  });
});
