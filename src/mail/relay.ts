import { join } from 'node:path';
import { forEachConcurrently } from '../app/concurrently.ts';
import type { App } from '../app/context.ts';
import { readStreamOf } from '../app/handle-command.ts';
import { recordEvent } from '../app/record-event.ts';
import { decodeEvent } from '../domain/events.ts';
import { mailStream, type MailEvent } from '../domain/mail.ts';
import { DuplicateEventIdError, type RecordedEvent } from '../eventstore/port.ts';
import { subscribe } from '../eventstore/subscription.ts';
import type { Logger } from '../logger.ts';
import { composeMail, mailRelayActor, type MailSettings } from './compose.ts';
import { openRelayCheckpoint } from './relay-checkpoint.ts';
import { toMailRequest, type MailRequest } from './requests.ts';
import { checkMailTemplates, renderMail } from './templates.ts';
import { PermanentMailError, type MailMessage, type MailTransport } from './transport.ts';

/** The points between the relay's side effects, where the crash tests stop the process. */
export type RelayStep = 'minted' | 'sent' | 'recorded';

export interface MailRelayOptions {
  readonly logger?: Logger;
  readonly pollIntervalMs?: number;
  /** Emails in flight at once; one client's emails always go in order. */
  readonly concurrency?: number;
  /** Waits between attempts after a transient failure; when they run out the failure is recorded. */
  readonly retryDelaysMs?: readonly number[];
  readonly checkpointFile?: string;
  /** For the crash tests only: called at each step, and may never return (the test then kills the process). */
  readonly beforeStep?: (step: RelayStep, requestEventId: string) => void | Promise<void>;
}

export interface MailRelay {
  /** Handles every request stored up to now, then resolves. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** One email: usually one request; reminders to one address in the same batch share one email. */
interface MailJob {
  readonly clientId: string;
  readonly requests: MailRequest[];
}

type SendFailure = { readonly sent: false; readonly permanent: boolean; readonly reason: string };
type SendOutcome = { readonly sent: true; readonly providerMessageId: string } | SendFailure;
type Outcome = { readonly sent: true; readonly providerMessageId: string; readonly to: string } | SendFailure;

class RelayStopped extends Error {}

/**
 * Turns mail requests in the log into sent mail, at least once. Before sending it looks for an
 * outcome (EmailSent / EmailSendFailed naming the request's event id) in the client's mail
 * stream, so a restart, a rescan or a second look at the same batch never sends twice what was
 * recorded. A request with no outcome that is older than `mail.requestMaxAgeSeconds` is recorded
 * as not sent instead of being sent late, so replaying an old log (a fresh relay with no
 * checkpoint) never mails anyone. A crash between sending and recording sends once more on
 * restart, with a freshly minted secret that supersedes the first.
 */
export function startMailRelay(app: App, transport: MailTransport, options: MailRelayOptions = {}): MailRelay {
  const { deps, config } = app;
  checkMailTemplates(config.mail.templatesDir);
  const checkpoint = openRelayCheckpoint(options.checkpointFile ?? join(config.dataDir, 'mail-relay-checkpoint.json'));
  const settings: MailSettings = {
    publicOrigin: config.publicOrigin,
    businessName: config.businessName,
    businessContact: config.businessContact,
    timeZone: config.businessTimeZone,
  };
  const retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 15_000, 30_000];
  const concurrency = options.concurrency ?? 8;
  const stopping = new AbortController();
  const log = options.logger;

  async function handle(events: readonly RecordedEvent[]): Promise<void> {
    const requests = events.flatMap((stored) => {
      const event = decodeEvent(stored);
      return (event && toMailRequest(event)) ?? [];
    });
    if (requests.length === 0) return;
    // The relay reads names and addresses from the read models: let them see these requests first.
    await deps.projections.waitFor(requests[requests.length - 1]!.event.position);
    const lanes = laneByClient(planJobs(requests, app));
    try {
      await forEachConcurrently(lanes, concurrency, async (lane) => {
        for (const job of lane) await handleJob(job);
      });
    } catch (error) {
      // Stopping mid-batch: the checkpoint stays put, and the next start finds what was recorded.
      if (error instanceof RelayStopped) return;
      throw error;
    }
    if (!stopping.signal.aborted) checkpoint.write(events[events.length - 1]!.position);
  }

  async function handleJob(job: MailJob): Promise<void> {
    const pending: MailRequest[] = [];
    for (const request of job.requests) if (!(await hasOutcome(request))) pending.push(request);
    const maxAgeMs = config.mail.requestMaxAgeSeconds * 1000;
    const now = deps.clock.now().getTime();
    const [fresh, stale] = partition(pending, (request) => now - Date.parse(request.event.metadata.at) <= maxAgeMs);
    for (const request of stale) {
      await recordOutcome(request, {
        sent: false,
        permanent: true,
        reason: `not sent: requested more than ${config.mail.requestMaxAgeSeconds / 3600} hours before the relay saw it`,
      });
    }
    const primary = fresh[0];
    if (!primary) return;
    if (stopping.signal.aborted) throw new RelayStopped('the mail relay is stopping');
    const composed = await composeMail(deps, settings, primary);
    if (!composed.ok) {
      for (const request of fresh)
        await recordOutcome(request, { sent: false, permanent: true, reason: `not sent: ${composed.error.message}` });
      return;
    }
    await options.beforeStep?.('minted', primary.event.id);
    const rendered = renderMail(config.mail.templatesDir, composed.value.mail);
    const outcome = await sendWithRetries({
      to: composed.value.to,
      ...rendered,
      tags: ['latchkey', primary.template],
      variables: { 'client-id': primary.clientId, 'request-event-id': primary.event.id, template: primary.template },
    });
    if (outcome.sent) await options.beforeStep?.('sent', primary.event.id);
    for (const request of fresh)
      await recordOutcome(request, outcome.sent ? { ...outcome, to: composed.value.to } : outcome);
    if (outcome.sent) await options.beforeStep?.('recorded', primary.event.id);
  }

  async function sendWithRetries(message: MailMessage): Promise<SendOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        const sent = await transport.send(message);
        return { sent: true, providerMessageId: sent.providerMessageId };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (error instanceof PermanentMailError) return { sent: false, permanent: true, reason };
        const delay = retryDelaysMs[attempt];
        if (delay === undefined)
          return { sent: false, permanent: false, reason: `gave up after ${attempt + 1} attempts: ${reason}` };
        log?.warn(
          { transport: transport.name, attempt: attempt + 1, retryInMs: delay, reason },
          'mail send failed; retrying',
        );
        await sleep(delay);
      }
    }
  }

  async function hasOutcome(request: MailRequest): Promise<boolean> {
    const recorded = await readStreamOf(deps.store, mailStream(request.clientId), 'mail');
    return recorded.some(
      (event) =>
        (event.type === 'EmailSent' || event.type === 'EmailSendFailed') &&
        event.data.requestEventId === request.event.id,
    );
  }

  async function recordOutcome(request: MailRequest, outcome: Outcome): Promise<void> {
    const { clientId, template } = request;
    const requestEventId = request.event.id;
    const event: MailEvent = outcome.sent
      ? {
          type: 'EmailSent',
          data: { clientId, requestEventId, template, to: outcome.to, providerMessageId: outcome.providerMessageId },
        }
      : {
          type: 'EmailSendFailed',
          data: { clientId, requestEventId, template, permanent: outcome.permanent, reason: outcome.reason },
        };
    // The id follows from the request, so the store itself refuses a second, different outcome.
    const context = {
      actor: mailRelayActor,
      commandId: `mail-outcome:${requestEventId}`,
      causationId: requestEventId,
      at: deps.clock.now(),
    };
    try {
      await recordEvent(deps.store, mailStream(clientId), event, context, 'any');
    } catch (error) {
      if (!(error instanceof DuplicateEventIdError)) throw error;
    }
    if (outcome.sent)
      log?.info({ clientId, template, requestEventId, providerMessageId: outcome.providerMessageId }, 'email sent');
    else
      log?.warn(
        { clientId, template, requestEventId, permanent: outcome.permanent, reason: outcome.reason },
        'email not sent',
      );
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const abort = () => (clearTimeout(timer), reject(new RelayStopped('the mail relay is stopping')));
      const timer = setTimeout(() => (stopping.signal.removeEventListener('abort', abort), resolve()), ms);
      stopping.signal.addEventListener('abort', abort, { once: true });
    });
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
    drain: () => subscription.catchUp(),
    async stop() {
      stopping.abort();
      await subscription.stop();
    },
  };
}

/** Reminders to one address asked for together become one email listing every user name there. */
function planJobs(requests: readonly MailRequest[], app: App): MailJob[] {
  const jobs: MailJob[] = [];
  const reminders = new Map<string, MailJob>();
  for (const request of requests) {
    const email =
      request.template === 'forgotten-user-name'
        ? app.deps.readModels.clients.getClient(request.clientId)?.email
        : null;
    const shared = email ? reminders.get(email) : undefined;
    if (shared) {
      shared.requests.push(request);
      continue;
    }
    const job: MailJob = { clientId: request.clientId, requests: [request] };
    jobs.push(job);
    if (email) reminders.set(email, job);
  }
  return jobs;
}

function laneByClient(jobs: readonly MailJob[]): MailJob[][] {
  const lanes = new Map<string, MailJob[]>();
  for (const job of jobs) {
    const lane = lanes.get(job.clientId);
    if (lane) lane.push(job);
    else lanes.set(job.clientId, [job]);
  }
  return [...lanes.values()];
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
