import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestCredentialsEmail } from '../../src/app/logins.ts';
import { signIn } from '../../src/app/sign-in.ts';
import { staff, type TestApp } from '../support/app.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import {
  clients,
  createMailTestApp,
  everyEventAsJson,
  filesHolding,
  mailEnv,
  mailEvents,
  tempPasswordIn,
} from './support.ts';

const childScript = fileURLToPath(new URL('./fixtures/relay-child.ts', import.meta.url));

/**
 * Runs the relay in a child process until it reports `until` ("paused …" or "drained"); a paused
 * child is killed with SIGKILL at that point, between two of its side effects, like a power cut.
 */
function runRelayProcess(app: TestApp, fake: FakeMailgun, pauseAt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', childScript, fake.url, pauseAt, app.clock.now().toISOString()],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...mailEnv,
          LATCHKEY_DATA_DIR: app.dir,
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let report = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const line = /^(paused .+|drained)$/m.exec(stdout)?.[1];
      if (line && !report) {
        report = line;
        if (line.startsWith('paused')) child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (!report) reject(new Error(`relay process ended (${code ?? signal}) without reporting:\n${stdout}${stderr}`));
      else if (report === 'drained' && code !== 0)
        reject(new Error(`relay process failed after draining (${code}):\n${stderr}`));
      else resolve(report);
    });
  });
}

describe('the mail relay killed between its side effects', () => {
  let app: TestApp;
  let fake: FakeMailgun;
  const reports: string[] = [];
  const emailsTo = (address: string) => fake.messages.filter((message) => message.to === address);

  beforeAll(async () => {
    app = await createMailTestApp();
    fake = await startFakeMailgun();
    for (const client of clients)
      await requestCredentialsEmail(app.deps, { clientId: client.clientId }, { actor: staff });
    for (const pauseAt of ['minted', 'sent', 'recorded', 'none'])
      reports.push(await runRelayProcess(app, fake, pauseAt));
    await app.deps.projections.catchUp();
  }, 120_000);
  afterAll(async () => {
    await fake.close();
    await app.dispose();
  });

  it('was killed where asked: after minting, after sending, after recording, then ran to the end', () => {
    expect(reports.map((report) => (report.split(' ')[0] === 'paused' ? report.split(' ')[1] : report))).toEqual([
      'minted',
      'sent',
      'recorded',
      'drained',
    ]);
  });

  it('every requested email went out at least once', () => {
    for (const client of clients) expect(emailsTo(client.email).length).toBeGreaterThanOrEqual(1);
  });

  it('a send the crash kept from being recorded went out again; a recorded one did not', async () => {
    // Killed after minting: nothing sent. After sending: sent once, unrecorded, so sent again by the
    // next run, which was killed after recording it: the last run found that record and skipped it.
    expect(emailsTo('olivia.nguyen@example.com')).toHaveLength(2);
    expect(emailsTo('marcus.bell@example.com')).toHaveLength(1);
    expect(emailsTo('priya.shah@example.com')).toHaveLength(1);
    for (const client of clients) {
      expect((await mailEvents(app.deps.store, client.clientId)).map((event) => event.type)).toEqual(['EmailSent']);
    }
  });

  it('only the newest password mailed to each client works, and none is stored anywhere', async () => {
    const passwords = fake.messages.map((message) => tempPasswordIn(message.text));
    const log = await everyEventAsJson(app.deps.store);
    for (const password of passwords) {
      expect(log).not.toContain(password);
      expect(filesHolding(app.dir, password)).toEqual([]);
    }
    const [superseded, newest] = emailsTo('olivia.nguyen@example.com').map((message) => tempPasswordIn(message.text));
    expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password: newest! }, {})).ok).toBe(true);
    expect((await signIn(app.deps, { userName: 'olivia.nguyen@example.com', password: superseded! }, {})).ok).toBe(
      false,
    );
    const marcus = tempPasswordIn(emailsTo('marcus.bell@example.com')[0]!.text);
    expect((await signIn(app.deps, { userName: 'marcus.bell@example.com', password: marcus }, {})).ok).toBe(true);
  });

  it('the temporary password minted by the run killed before sending was superseded, never delivered', async () => {
    const issued = (await app.deps.store.readStream('credential-C-1')).filter(
      (event) => event.type === 'TempPasswordIssued',
    );
    expect(issued).toHaveLength(3);
    const burned = (await app.deps.store.readStream('credential-C-1'))
      .filter((event) => event.type === 'TempPasswordBurned')
      .map((event) => event.data);
    expect(burned.slice(0, 2)).toMatchObject([{ reason: 'superseded' }, { reason: 'superseded' }]);
  });
});
