import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, registerClients, type TestApp } from '../support/app.ts';

const racer = fileURLToPath(new URL('../fixtures/assign-when-told.ts', import.meta.url));

function startRacer(dir: string, clientId: string, userName: string) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', racer, clientId, userName],
    {
      env: { PATH: process.env.PATH, LATCHKEY_DATA_DIR: dir, LOG_LEVEL: 'silent' },
    },
  );
  let output = '';
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('ready\n')) resolve();
    });
    child.on('exit', (code) => code !== 0 && reject(new Error(`racer exited ${code}`)));
  });
  const result = new Promise<{ ok: boolean; error?: { code: string } }>((resolve, reject) => {
    child.on('close', () => {
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
      else reject(new Error(`racer printed no result: ${output}`));
    });
  });
  return { child, ready, result };
}

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
  await registerClients(
    app,
    ['R1', 'R2', 'R3', 'R4'].map((clientId) => ({
      clientId,
      firstName: 'Racer',
      lastName: clientId,
      email: `${clientId.toLowerCase()}@example.com`,
    })),
  );
});
afterEach(async () => app.dispose());

it('separate processes racing to assign one user name on one SQLite file: exactly one wins', async () => {
  const racers = ['R1', 'R2', 'R3', 'R4'].map((clientId) => startRacer(app.dir, clientId, 'contested.name'));
  await Promise.all(racers.map((r) => r.ready));
  for (const r of racers) r.child.stdin.end('go\n');
  const results = await Promise.all(racers.map((r) => r.result));
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  expect(results.filter((r) => !r.ok).map((r) => r.error?.code)).toEqual([
    'user_name_taken',
    'user_name_taken',
    'user_name_taken',
  ]);
  const reservations = (await app.deps.store.readStream('username-contested.name')).filter(
    (e) => e.type === 'UserNameReserved',
  );
  expect(reservations).toHaveLength(1);
  const assigned = (await app.deps.store.readAll({ after: null, limit: 10_000 })).filter(
    (e) => e.type === 'LoginAssigned',
  );
  expect(assigned).toHaveLength(1);
}, 60_000);
