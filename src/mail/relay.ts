import { join } from 'node:path';
import { forBusiness } from '../app/business-scope.ts';
import { defaultBusinessSettings, listBusinesses } from '../app/businesses.ts';
import { forEachConcurrently } from '../app/concurrently.ts';
import type { App } from '../app/context.ts';
import { businessOf, decodeEvent } from '../domain/events.ts';
import { defaultMailRetryPolicy, type MailRetryPolicy } from '../domain/mail-retry.ts';
import type { RecordedEvent } from '../eventstore/port.ts';
import { subscribe } from '../eventstore/subscription.ts';
import type { Logger } from '../logger.ts';
import { mailSettingsForBusiness } from './business-mail-settings.ts';
import { readRequestEvent } from './outcomes.ts';
import { attemptMailJob, jobKey, RelayStopped, type MailJob, type RelayStep } from './relay-attempt.ts';
import { openRelayCheckpoint } from './relay-checkpoint.ts';
import { pauseOnUnavailable, type PauseBackoff, type RelayState } from './relay-pause.ts';
import { relayStateFileName, writeRelayState } from './relay-state-file.ts';
import { toMailRequest, type MailRequest } from './requests.ts';
import { checkMailTemplates } from './templates.ts';
import type { MailTransport } from './transport.ts';

export type { RelayStep } from './relay-attempt.ts';
export type { RelayState } from './relay-pause.ts';

export interface MailRelayOptions {
  readonly logger?: Logger;
  readonly pollIntervalMs?: number;
  /** Emails in flight at once; one client's emails always go one at a time. */
  readonly concurrency?: number;
  /** Backoff after transient failures; the window defaults to MAIL_RETRY_MAX_HOURS. */
  readonly retryPolicy?: Partial<MailRetryPolicy>;
  /** The jitter's random draw, in [0, 1). */
  readonly random?: () => number;
  readonly checkpointFile?: string;
  /** How often a paused relay tries again (Mailgun refused the API key or could not be reached). */
  readonly pauseBackoff?: PauseBackoff;
  /** For the crash tests only: called at each step, and may never return (the test then kills the process). */
  readonly beforeStep?: (step: RelayStep, requestEventId: string) => void | Promise<void>;
}

export interface MailRelay {
  /** Handles every request stored up to now (retries already due included), then resolves. */
  drain(): Promise<void>;
  stop(): Promise<void>;
  /** Sending, or paused (and why) while no email can go through. */
  state(): RelayState;
}

/** setTimeout's longest wait; a later retry simply waits again. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * Turns mail requests in the log into sent mail, at least once. Each request gets one attempt
 * when the relay first sees it; a transient failure is recorded with the time of the next try
 * (EmailSendDeferred) and scheduled, never slept on, so no other email waits behind it. The
 * schedule is rebuilt from the record at start, so it survives restarts. A request with no
 * outcome that is older than `mail.requestMaxAgeSeconds` when first seen is recorded as not
 * sent instead of being sent late, so replaying an old log never mails anyone.
 */
export function startMailRelay(app: App, transport: MailTransport, options: MailRelayOptions = {}): MailRelay {
  const { deps, config } = app;
  checkMailTemplates(config.mail.templatesDir);
  const checkpoint = openRelayCheckpoint(options.checkpointFile ?? join(config.dataDir, 'mail-relay-checkpoint.json'));
  const concurrency = options.concurrency ?? 8;
  const stopping = new AbortController();
  const log = options.logger;
  const stateFile = join(config.dataDir, relayStateFileName);
  const recordState = (state: RelayState | { kind: 'stopped' }) => {
    try {
      writeRelayState(stateFile, { ...state, updatedAt: deps.clock.now().toISOString() });
    } catch (error) {
      log?.warn({ err: error, file: stateFile }, 'the mail relay could not write its state for `mail status`');
    }
  };
  recordState({ kind: 'running' });
  const pausing = pauseOnUnavailable(transport, {
    signal: stopping.signal,
    now: () => deps.clock.now(),
    onChange: recordState,
    ...(log ? { log } : {}),
    ...(options.pauseBackoff ? { backoff: options.pauseBackoff } : {}),
  });
  const retryPolicy: MailRetryPolicy = {
    ...defaultMailRetryPolicy,
    windowSeconds: config.mail.retryWindowSeconds,
    ...options.retryPolicy,
  };
  const attemptContext = {
    app,
    transport: pausing,
    settingsFor: (businessId: string) => mailSettingsForBusiness(deps, config, businessId),
    retryPolicy,
    random: options.random ?? Math.random,
    signal: stopping.signal,
    ...(log ? { log } : {}),
    ...(options.beforeStep ? { beforeStep: options.beforeStep } : {}),
    scheduleRetry,
  };

  // One client's emails go one at a time, whether they come from the log or from the schedule.
  const clientTails = new Map<string, Promise<void>>();
  function oneAtATimeFor(job: MailJob, work: () => Promise<void>): Promise<void> {
    const key = jobKey(job);
    const run = (clientTails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    clientTails.set(key, tail);
    void tail.then(() => clientTails.get(key) === tail && clientTails.delete(key));
    return run;
  }

  const timers = new Map<string, NodeJS.Timeout>();
  const retriesInFlight = new Set<Promise<void>>();
  function scheduleRetry(job: MailJob, retryAt: string): void {
    if (stopping.signal.aborted) return;
    const key = job.requests[0]!.event.id;
    clearTimeout(timers.get(key));
    const delayMs = Math.max(0, Date.parse(retryAt) - deps.clock.now().getTime());
    const timer = setTimeout(
      () => {
        timers.delete(key);
        if (delayMs > maxTimerMs) return scheduleRetry(job, retryAt);
        const retry = oneAtATimeFor(job, () => attemptMailJob(attemptContext, job, 'retry')).catch((error: unknown) => {
          if (!(error instanceof RelayStopped))
            log?.error({ err: error, businessId: job.businessId, clientId: job.clientId }, 'mail retry failed');
        });
        retriesInFlight.add(retry);
        void retry.finally(() => retriesInFlight.delete(retry));
      },
      Math.min(delayMs, maxTimerMs),
    );
    timers.set(key, timer);
  }

  /** The schedule is the record: every email still being retried, rebuilt from the read model. */
  async function resumeSchedule(): Promise<void> {
    await deps.projections.catchUp();
    const byDueTime = new Map<string, MailRequest[]>();
    for (const { businessId } of listBusinesses(deps, defaultBusinessSettings(config))) {
      const scoped = forBusiness(deps, businessId);
      for (const entry of scoped.readModels.mail.listRetryingEmails()) {
        const event = await readRequestEvent(scoped, entry.clientId, entry.requestEventId);
        const decoded = event ? decodeEvent(event) : null;
        const request = decoded ? toMailRequest(decoded) : null;
        if (!request) continue;
        const retryAt = entry.nextAttemptAt ?? entry.updatedAt;
        byDueTime.set(retryAt, [...(byDueTime.get(retryAt) ?? []), request]);
      }
    }
    for (const [retryAt, requests] of byDueTime) for (const job of planJobs(requests, app)) scheduleRetry(job, retryAt);
  }
  const resumed = resumeSchedule().catch((error: unknown) =>
    log?.error({ err: error }, 'the mail relay could not rebuild its retry schedule'),
  );

  async function handle(events: readonly RecordedEvent[]): Promise<void> {
    const requests = events.flatMap((stored) => {
      const event = decodeEvent(stored);
      return (event && toMailRequest(event)) ?? [];
    });
    if (requests.length > 0) {
      // The relay reads names and addresses from the read models: let them see these requests first.
      await deps.projections.waitFor(requests[requests.length - 1]!.event.position);
      const lanes = laneByClient(planJobs(requests, app));
      try {
        await forEachConcurrently(lanes, concurrency, async (lane) => {
          for (const job of lane) await oneAtATimeFor(job, () => attemptMailJob(attemptContext, job, 'new'));
        });
      } catch (error) {
        // Stopping mid-batch: the checkpoint stays put, and the next start finds what was recorded.
        if (error instanceof RelayStopped) return;
        throw error;
      }
    }
    if (!stopping.signal.aborted) checkpoint.write(events[events.length - 1]!.position);
  }

  const subscription = subscribe(deps.store, {
    after: checkpoint.read(),
    batchSize: 500,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    handle,
    onError: (error) => {
      if (!(error instanceof RelayStopped)) log?.error({ err: error }, 'mail relay batch failed; retrying');
    },
  });

  return {
    async drain() {
      await resumed;
      await subscription.catchUp();
      // Retries already due fire on the next turn of the event loop: let them start, then finish.
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(retriesInFlight);
    },
    async stop() {
      stopping.abort();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await resumed;
      await subscription.stop();
      await Promise.all(retriesInFlight);
      recordState({ kind: 'stopped' });
    },
    state: () => pausing.state(),
  };
}

/** Reminders to one address asked for together become one email listing every user name there. */
export function planJobs(requests: readonly MailRequest[], app: App): MailJob[] {
  const jobs: MailJob[] = [];
  const reminders = new Map<string, MailJob>();
  for (const request of requests) {
    const businessId = businessOf(request.event);
    const email =
      request.template === 'forgotten-user-name'
        ? app.deps.readModels.forBusiness(businessId).clients.getClient(request.clientId)?.email
        : null;
    const reminderKey = email ? `${businessId}\u0000${email}` : null;
    const shared = reminderKey ? reminders.get(reminderKey) : undefined;
    if (shared) {
      shared.requests.push(request);
      continue;
    }
    const job: MailJob = { businessId, clientId: request.clientId, requests: [request] };
    jobs.push(job);
    if (reminderKey) reminders.set(reminderKey, job);
  }
  return jobs;
}

function laneByClient(jobs: readonly MailJob[]): MailJob[][] {
  const lanes = new Map<string, MailJob[]>();
  for (const job of jobs) {
    const lane = lanes.get(jobKey(job));
    if (lane) lane.push(job);
    else lanes.set(jobKey(job), [job]);
  }
  return [...lanes.values()];
}
