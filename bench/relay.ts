// Mail relay throughput: 10,000 Client Login Credentials emails, each with a freshly minted
// temporary password, sent through the real mailgun.js to a fake Mailgun on 127.0.0.1, with the
// process's memory sampled throughout. Target: at least 200 emails/s with memory that stays flat.
// Runnable alone: `node --import tsx bench/relay.ts` prints JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openApp, type App } from '../src/app/context.ts';
import { importClients } from '../src/app/directory.ts';
import { provisionAll } from '../src/app/provision.ts';
import { loadConfig } from '../src/config.ts';
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
    const relay = startMailRelay(app, transport, {
      pollIntervalMs: 50,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
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

/** The work before the clock starts: clients, their logins, and one credentials request each. */
async function requestCredentialsEmails(app: App, count: number): Promise<void> {
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
  const { tally } = await provisionAll(app.deps, { sendEmail: true }, { actor: staff });
  if (tally.succeeded !== count) throw new Error(`provisioning requested ${tally.succeeded} of ${count} emails`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await benchRelay(), null, 2)}\n`);
}
