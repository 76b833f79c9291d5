import { forBusiness } from '../app/business-scope.ts';
import type { App } from '../app/context.ts';
import { decideMailRetry, type MailRetryPolicy } from '../domain/mail-retry.ts';
import { secretBearingTemplates, type MailEvent } from '../domain/mail.ts';
import type { Logger } from '../logger.ts';
import { composeMail, type MailSettings } from './compose.ts';
import { findStaffIssuedSince, hasNewerRequest, readRequestStatus, recordMailEvent } from './outcomes.ts';
import { RelayStopped } from './relay-pause.ts';
import type { MailRequest } from './requests.ts';
import { PermanentMailError, TransientMailError, type MailTransport } from './transport.ts';

/** The points between the relay's side effects, where the crash tests stop the process. */
export type RelayStep = 'minted' | 'sent' | 'recorded';

/** One email: usually one request; reminders to one address in the same batch share one email. */
export interface MailJob {
  /** Client ids repeat across businesses: a job is one business's client's. */
  readonly businessId: string;
  readonly clientId: string;
  readonly requests: MailRequest[];
}

export { RelayStopped };

/** The lane a job waits in: one client of one business at a time. */
export const jobKey = (job: MailJob): string => `${job.businessId}\u0000${job.clientId}`;

export interface AttemptContext {
  readonly app: App;
  readonly transport: MailTransport;
  /** The business's settings for its email; null for a business this deployment does not know. */
  readonly settingsFor: (businessId: string) => MailSettings | null;
  readonly retryPolicy: MailRetryPolicy;
  readonly random: () => number;
  readonly signal: AbortSignal;
  readonly log?: Logger;
  readonly beforeStep?: (step: RelayStep, requestEventId: string) => void | Promise<void>;
  readonly scheduleRetry: (job: MailJob, retryAt: string) => void;
}

type Failure = { readonly permanent: boolean; readonly reason: string };

/**
 * One attempt at one email, never more: a transient failure is recorded with the time of the
 * next try and handed to the schedule, so the caller is free at once. `new` is the first look at
 * a request (requests already in the schedule, or too old, are left alone or refused); `retry`
 * is a scheduled retry falling due.
 */
export async function attemptMailJob(context: AttemptContext, job: MailJob, kind: 'new' | 'retry'): Promise<void> {
  const { config } = context.app;
  const settings = context.settingsFor(job.businessId);
  if (!settings) {
    const reason = `not sent: the business ${job.businessId} is not registered here`;
    for (const request of job.requests) {
      if ((await readRequestStatus(context.app.deps, request)).kind !== 'settled')
        await recordFailure(context, request, { permanent: true, reason });
    }
    return;
  }
  const deps = forBusiness(context.app.deps, job.businessId);
  const pending: MailRequest[] = [];
  let attemptsSoFar = 0;
  for (const request of job.requests) {
    const status = await readRequestStatus(deps, request);
    if (status.kind === 'settled') continue;
    // A request with a recorded retry belongs to the schedule: a rescan of the log leaves it there.
    if (status.kind === 'deferred' && kind === 'new') continue;
    if (status.kind === 'deferred') attemptsSoFar = Math.max(attemptsSoFar, status.attempts);
    pending.push(request);
  }
  const fresh: MailRequest[] = [];
  const maxAgeMs = config.mail.requestMaxAgeSeconds * 1000;
  const now = deps.clock.now().getTime();
  for (const request of pending) {
    if (kind === 'new' && now - Date.parse(request.event.metadata.at) > maxAgeMs) {
      const hours = config.mail.requestMaxAgeSeconds / 3600;
      await recordFailure(context, request, {
        permanent: true,
        reason: `not sent: requested more than ${hours} hours before the relay saw it`,
      });
    } else if (
      kind === 'retry' &&
      secretBearingTemplates.has(request.template) &&
      (await hasNewerRequest(deps, request))
    ) {
      await recordFailure(context, request, {
        permanent: true,
        reason: 'not sent: a newer request for this email replaced it',
      });
    } else if (!(await skippedForStaffPassword(context, request))) fresh.push(request);
  }
  const primary = fresh[0];
  if (!primary) return;
  if (context.signal.aborted) throw new RelayStopped('the mail relay is stopping');

  const address = deps.readModels.clients.getClient(primary.clientId)?.email;
  const suppression = address ? deps.readModels.mail.findSuppression(address) : null;
  if (address && suppression) {
    for (const request of fresh) {
      const { clientId, template } = request;
      await record(context, request, {
        type: 'EmailSuppressed',
        data: {
          clientId,
          requestEventId: request.event.id,
          template,
          to: address,
          reason: suppression.reason,
          since: suppression.since,
        },
      });
    }
    return;
  }

  const composed = await composeMail(deps, settings, primary);
  if (!composed.ok) {
    for (const request of fresh)
      await recordFailure(context, request, { permanent: true, reason: `not sent: ${composed.error.message}` });
    return;
  }
  await context.beforeStep?.('minted', primary.event.id);
  const { to, rendered } = composed.value;
  try {
    const sent = await context.transport.send({
      to,
      ...rendered,
      tags: ['latchkey', primary.template],
      variables: {
        'business-id': job.businessId,
        'client-id': primary.clientId,
        'request-event-id': primary.event.id,
        template: primary.template,
      },
      requireTls: secretBearingTemplates.has(primary.template),
      ...(settings.sender ? { sender: settings.sender } : {}),
    });
    await context.beforeStep?.('sent', primary.event.id);
    for (const request of fresh) {
      const { clientId, template } = request;
      await record(context, request, {
        type: 'EmailSent',
        data: { clientId, requestEventId: request.event.id, template, to, providerMessageId: sent.providerMessageId },
      });
    }
    await context.beforeStep?.('recorded', primary.event.id);
  } catch (error) {
    if (error instanceof RelayStopped) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof PermanentMailError || !(error instanceof Error)) {
      for (const request of fresh) await recordFailure(context, request, { permanent: true, reason });
      return;
    }
    await deferOrGiveUp(context, { ...job, requests: fresh }, attemptsSoFar + 1, error, reason);
  }
}

async function deferOrGiveUp(
  context: AttemptContext,
  job: MailJob,
  attempts: number,
  error: Error,
  reason: string,
): Promise<void> {
  const { deps } = context.app;
  const primary = job.requests[0]!;
  const decision = decideMailRetry({
    policy: context.retryPolicy,
    attempts,
    requestedAt: primary.event.metadata.at,
    now: deps.clock.now(),
    retryAfterSeconds: error instanceof TransientMailError ? error.retryAfterSeconds : null,
    random: context.random(),
  });
  if (!decision.retry) {
    for (const request of job.requests) {
      await record(context, request, {
        type: 'EmailSendFailed',
        data: {
          ...requestIds(request),
          permanent: false,
          reason: `gave up after ${attempts} attempts: ${reason}`,
          gaveUpAfterAttempts: attempts,
        },
      });
    }
    return;
  }
  for (const request of job.requests) {
    await record(context, request, {
      type: 'EmailSendDeferred',
      data: {
        ...requestIds(request),
        attempt: attempts,
        reason,
        retryAt: decision.retryAt,
      },
    });
  }
  context.scheduleRetry(job, decision.retryAt);
}

/**
 * Staff's newer action wins: a credentials email requested before staff issued a temporary
 * password by hand would mint another one and burn theirs. The request's own password cannot be
 * sent instead (it was never minted), so the request is skipped, and the record says why.
 */
async function skippedForStaffPassword(context: AttemptContext, request: MailRequest): Promise<boolean> {
  if (request.template !== 'client-login-credentials') return false;
  const tempPasswordId = await findStaffIssuedSince(context.app.deps, request);
  if (!tempPasswordId) return false;
  await record(context, request, {
    type: 'EmailSendSkipped',
    data: {
      ...requestIds(request),
      reason: 'temp_password_issued_since',
      tempPasswordId,
    },
  });
  return true;
}

function recordFailure(context: AttemptContext, request: MailRequest, failure: Failure): Promise<void> {
  return record(context, request, {
    type: 'EmailSendFailed',
    data: { ...requestIds(request), ...failure },
  });
}

/** What every mail event says about the request it answers. */
function requestIds({ clientId, template, event }: MailRequest) {
  return { clientId, template, requestEventId: event.id };
}

async function record(context: AttemptContext, request: MailRequest, event: MailEvent): Promise<void> {
  await recordMailEvent(context.app.deps, request, event);
  const ids = requestIds(request);
  switch (event.type) {
    case 'EmailSent':
      return context.log?.info({ ...ids, providerMessageId: event.data.providerMessageId }, 'email sent');
    case 'EmailSendDeferred':
      return context.log?.warn(
        { ...ids, attempt: event.data.attempt, retryAt: event.data.retryAt, reason: event.data.reason },
        'email not sent yet; retry scheduled',
      );
    case 'EmailSuppressed':
      return context.log?.warn({ ...ids, reason: event.data.reason }, 'email not sent: the address is suppressed');
    case 'EmailSendSkipped':
      return context.log?.info(
        { ...ids, reason: event.data.reason, tempPasswordId: event.data.tempPasswordId },
        'email not sent: staff issued a temporary password by hand since it was requested',
      );
    default:
      return context.log?.warn({ ...ids, event: event.type }, 'email not sent');
  }
}
