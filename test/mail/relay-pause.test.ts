import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestCredentialsEmail } from '../../src/app/logins.ts';
import { signIn } from '../../src/app/sign-in.ts';
import { createLogger } from '../../src/logger.ts';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { startMailRelay, type MailRelay } from '../../src/mail/relay.ts';
import { readRelayState, relayStateFileName } from '../../src/mail/relay-state-file.ts';
import { staff, type TestApp } from '../support/app.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import { clients, createMailTestApp, mailEvents, tempPasswordIn } from './support.ts';

/** A paused relay tries again every few milliseconds here, so the tests need not wait. */
const quickPause = { firstDelayMs: 5, maxDelayMs: 20 };

describe('the mail relay pauses, never fails mail, when Mailgun refuses our key or cannot be reached', () => {
  let app: TestApp;
  let fake: FakeMailgun;
  let relay: MailRelay | null;
  let logLines: { level: number; msg: string; problem?: string }[];

  beforeEach(async () => {
    app = await createMailTestApp();
    fake = await startFakeMailgun();
    relay = null;
    logLines = [];
  });
  afterEach(async () => {
    await relay?.stop();
    await fake.close();
    await app.dispose();
  });

  const logger = () =>
    createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line) as never) } as never);
  const transportTo = (url: string) =>
    createMailgunTransport({
      apiKey: 'key-test-123456',
      domain: 'mg.example.com',
      url,
      from: app.config.mail.from,
      replyTo: null,
    });
  const stateLines = () => logLines.filter((line) => /^mail relay (paused|resumed)/.test(line.msg));
  const relayStateFile = () => readRelayState(join(app.dir, relayStateFileName));
  async function requestEveryone() {
    for (const { clientId } of clients) await requestCredentialsEmail(app.deps, { clientId }, { actor: staff });
  }
  async function expectEveryoneSentOnce() {
    for (const { clientId, email } of clients) {
      expect((await mailEvents(app.deps.store, clientId)).map((event) => event.type)).toEqual(['EmailSent']);
      const received = fake.messages.filter((message) => message.to === email);
      expect(received).toHaveLength(1);
      const signedIn = await signIn(app.deps, { userName: email, password: tempPasswordIn(received[0]!.text) }, {});
      expect(signedIn.ok).toBe(true);
    }
  }

  it('a 401 pauses the relay with one log line, and once the key works every email goes out, none failed', async () => {
    fake.failWhen(() => ({ status: 401, body: 'Forbidden' }));
    await requestEveryone();
    relay = startMailRelay(app, transportTo(fake.url), {
      pollIntervalMs: 20,
      logger: logger(),
      pauseBackoff: quickPause,
    });

    await vi.waitFor(() =>
      expect(relay!.state()).toMatchObject({ kind: 'paused', problem: 'Mailgun refused the API key (401)' }),
    );
    // Several probes are refused while paused: still one line, and nothing recorded against any email.
    const refusedSoFar = fake.requestCount();
    await vi.waitFor(() => expect(fake.requestCount()).toBeGreaterThan(refusedSoFar + 3));
    expect(relayStateFile()).toMatchObject({ kind: 'paused', problem: 'Mailgun refused the API key (401)' });
    for (const { clientId } of clients) expect(await mailEvents(app.deps.store, clientId)).toEqual([]);
    expect(stateLines()).toMatchObject([{ level: 50, msg: expect.stringContaining('Mailgun refused the API key') }]);

    fake.failWhen(null);
    await relay.drain();
    expect(relay.state()).toEqual({ kind: 'running' });
    expect(relayStateFile()).toMatchObject({ kind: 'running' });
    await app.deps.projections.catchUp();
    await expectEveryoneSentOnce();
    expect(stateLines().map((line) => line.msg)).toEqual([
      expect.stringMatching(/^mail relay paused: Mailgun refused the API key \(401\)/),
      'mail relay resumed: mail goes out again',
    ]);
  });

  it('an unreachable Mailgun pauses the relay the same way, and it resumes when Mailgun is back', async () => {
    const { url } = fake;
    const port = Number(new URL(url).port);
    await fake.close();
    await requestEveryone();
    relay = startMailRelay(app, transportTo(url), { pollIntervalMs: 20, logger: logger(), pauseBackoff: quickPause });
    await vi.waitFor(() =>
      expect(relay!.state()).toMatchObject({ kind: 'paused', problem: 'Mailgun could not be reached' }),
    );
    for (const { clientId } of clients) expect(await mailEvents(app.deps.store, clientId)).toEqual([]);

    fake = await startFakeMailgun({ port });
    await relay.drain();
    await app.deps.projections.catchUp();
    await expectEveryoneSentOnce();
    expect(stateLines().map((line) => line.msg)).toEqual([
      expect.stringMatching(/^mail relay paused: Mailgun could not be reached/),
      'mail relay resumed: mail goes out again',
    ]);
  });

  it('a relay stopped while paused records nothing, and the next start sends the mail', async () => {
    fake.failWhen(() => ({ status: 401, body: 'Forbidden' }));
    await requestEveryone();
    relay = startMailRelay(app, transportTo(fake.url), { pollIntervalMs: 20, pauseBackoff: quickPause });
    await vi.waitFor(() => expect(relay!.state().kind).toBe('paused'));
    await relay.stop();
    expect(relayStateFile()).toMatchObject({ kind: 'stopped' });
    for (const { clientId } of clients) expect(await mailEvents(app.deps.store, clientId)).toEqual([]);

    fake.failWhen(null);
    relay = startMailRelay(app, transportTo(fake.url), { pollIntervalMs: 20, pauseBackoff: quickPause });
    await relay.drain();
    await app.deps.projections.catchUp();
    await expectEveryoneSentOnce();
  });
});
