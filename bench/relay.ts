// Mail relay throughput: 10,000 Client Login Credentials emails, each with a freshly minted
// temporary password, sent through the real mailgun.js to a fake Mailgun on 127.0.0.1, with the
// process's memory sampled throughout. Target: at least 200 emails/s with memory that stays flat,
// and at least half the rate of a bare mailgun.js loop at the same concurrency, measured in the
// same run. Then `resetLatencyDuringRetry`: how long a password reset takes to reach Mailgun
// while another client's email is being retried (target: at most 2 s).
// Runnable alone: `node --import tsx bench/relay.ts` prints JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openApp, type App } from '../src/app/context.ts';
import { importClients } from '../src/app/directory.ts';
import { provisionAll } from '../src/app/provision.ts';
import { loadConfig } from '../src/config.ts';
import FormData from 'form-data';
import Mailgun from 'mailgun.js';
import { forEachConcurrently } from '../src/app/concurrently.ts';
import { requestCredentialsEmail } from '../src/app/logins.ts';
import { requestPasswordReset } from '../src/app/recovery.ts';
import { createMailgunTransport } from '../src/mail/mailgun.ts';
import { startMailRelay } from '../src/mail/relay.ts';
import { startFakeMailgun } from '../test/mail/fake-mailgun.ts';

const staff = { kind: 'system', id: 'bench' } as const;
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export interface RelayBenchOptions {
  readonly emails?: number;
  readonly concurrency?: number;
}

export async function benchRelay(options: RelayBenchOptions = {}): Promise<Record<string, unknown>> {
  const emails = options.emails ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  const relay = await benchRelayThroughput(emails, concurrency);
  const rawEmailsPerSecond = await benchRawMailgunLoop(emails, concurrency);
  return {
    ...relay,
    rawMailgunLoop: { emails, concurrency, emailsPerSecond: rawEmailsPerSecond },
    relayToRawRatio: Math.round(((relay.emailsPerSecond as number) / rawEmailsPerSecond) * 100) / 100,
    relayToRawRatioTarget: '>= 0.5',
    resetLatencyDuringRetry: await benchResetLatencyDuringRetry(),
  };
}

async function benchRelayThroughput(emails: number, concurrency: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-relay-'));
  const config = loadConfig({ LATCHKEY_DATA_DIR: dir, PUBLIC_ORIGIN: 'http://bench.localhost', LOG_LEVEL: 'silent' });
  const app = await openApp(config, { pollIntervalMs: 50 });
  let received = 0;
  // Heap in use after each quarter of the emails: flat when the relay keeps nothing per email.
  const heapUsedByQuarter: number[] = [];
  const fake = await startFakeMailgun({
    keepMessages: false,
    onMessage: () => {
      received += 1;
      if (received % Math.ceil(emails / 4) === 0 || received === emails)
        heapUsedByQuarter.push(mib(process.memoryUsage().heapUsed));
    },
  });
  try {
    const setupStarted = performance.now();
    await requestCredentialsEmails(app, emails);
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeapUsed = before.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeapUsed = Math.max(peakHeapUsed, now.heapUsed);
    }, 25);
    const transport = createMailgunTransport({
      apiKey: 'key-bench-0123456789',
      domain: 'mg.bench.example',
      url: fake.url,
      from: config.mail.from,
      replyTo: null,
    });
    const started = performance.now();
    const relay = startMailRelay(app, transport, { pollIntervalMs: 50, concurrency });
    await relay.drain();
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await relay.stop();
    const after = process.memoryUsage();
    await app.deps.projections.catchUp();
    const recorded = (
      app.deps.readModels.db.prepare("SELECT count(*) AS n FROM mail_history WHERE state = 'sent'").get() as {
        n: number;
      }
    ).n;
    return {
      emails,
      concurrency,
      sentToMailgun: received,
      recordedSent: recorded,
      seconds: Math.round(seconds * 10) / 10,
      emailsPerSecond: Math.round(emails / seconds),
      emailsPerSecondTarget: '>= 200',
      memoryMiB: {
        rssBefore: mib(before.rss),
        rssPeak: mib(peakRss),
        heapUsedBefore: mib(before.heapUsed),
        heapUsedPeak: mib(peakHeapUsed),
        heapUsedByQuarter,
        heapUsedAfter: mib(after.heapUsed),
      },
      setupSeconds: Math.round(setupSeconds * 10) / 10,
    };
  } finally {
    await fake.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The baseline: the same kind of message, sent by mailgun.js alone, with as many in flight as the relay. */
async function benchRawMailgunLoop(emails: number, concurrency: number): Promise<number> {
  const fake = await startFakeMailgun({ keepMessages: false });
  try {
    const client = new Mailgun(FormData).client({ username: 'api', key: 'key-bench-0123456789', url: fake.url });
    const text = 'Hello,\n\nUser name: client@bench.example\nTemporary password: lantern-pebble-oyster-mango-47293\n';
    const started = performance.now();
    await forEachConcurrently(
      Array.from({ length: emails }, (_, i) => i),
      concurrency,
      async (i) => {
        await client.messages.create('mg.bench.example', {
          from: 'bench@mg.bench.example',
          to: [`client${i}@bench.example`],
          subject: 'Your client portal login',
          text,
          html: `<p>${text}</p>`,
          'o:tag': ['latchkey', 'client-login-credentials'],
          'o:tracking': 'no',
          'v:client-id': `B${i}`,
        });
      },
    );
    return Math.round(emails / ((performance.now() - started) / 1000));
  } finally {
    await fake.close();
  }
}

/**
 * A reset asked for while another client's email waits for its next try (Mailgun answering 503
 * for that address): the time from the request to the reset reaching Mailgun, median of 5.
 */
async function benchResetLatencyDuringRetry(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-latency-'));
  const config = loadConfig({ LATCHKEY_DATA_DIR: dir, PUBLIC_ORIGIN: 'http://bench.localhost', LOG_LEVEL: 'silent' });
  const app = await openApp(config, { pollIntervalMs: 50 });
  const arrivals = new Map<string, () => void>();
  const fake = await startFakeMailgun({ keepMessages: false, onMessage: (message) => arrivals.get(message.to)?.() });
  fake.failWhen((message) =>
    message.to === 'client0@bench.example' ? { status: 503, body: { message: 'busy' } } : null,
  );
  try {
    await importBenchClients(app, 6);
    const { tally } = await provisionAll(app.deps, { sendEmail: false }, { actor: staff });
    if (tally.succeeded !== 6) throw new Error('bench clients were not provisioned');
    const transport = createMailgunTransport({
      apiKey: 'key-bench-0123456789',
      domain: 'mg.bench.example',
      url: fake.url,
      from: config.mail.from,
      replyTo: null,
    });
    const relay = startMailRelay(app, transport, { pollIntervalMs: 50 });
    await requestCredentialsEmail(app.deps, { clientId: 'B000000' }, { actor: staff });
    await relay.drain();
    const latenciesMs: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const email = `client${i}@bench.example`;
      const arrived = new Promise<void>((resolve) => arrivals.set(email, resolve));
      const started = performance.now();
      await requestPasswordReset(app.deps, { identifier: email });
      await arrived;
      latenciesMs.push(Math.round(performance.now() - started));
    }
    await relay.stop();
    const sorted = [...latenciesMs].sort((a, b) => a - b);
    return { latenciesMs, medianMs: sorted[2], targetMs: '<= 2000' };
  } finally {
    await fake.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The work before the clock starts: clients, their logins, and one credentials request each. */
async function requestCredentialsEmails(app: App, count: number): Promise<void> {
  await importBenchClients(app, count);
  const { tally } = await provisionAll(app.deps, { sendEmail: true }, { actor: staff });
  if (tally.succeeded !== count) throw new Error(`provisioning requested ${tally.succeeded} of ${count} emails`);
}

async function importBenchClients(app: App, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    line: i + 2,
    clientId: `B${String(i).padStart(6, '0')}`,
    details: {
      firstName: `First${i}`,
      lastName: `Last${i}`,
      email: `client${i}@bench.example`,
      altEmail: null,
      active: true,
    },
    errors: [],
    warnings: [],
  }));
  const imported = await importClients(app.deps, { rows, fileError: null }, { dryRun: false }, { actor: staff });
  if (!imported.written) throw new Error('bench clients were not imported');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await benchRelay(), null, 2)}\n`);
}
