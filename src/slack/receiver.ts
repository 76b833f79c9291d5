import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../logger.ts';
import { createReplayGuard, type ReplayGuard } from './replay-guard.ts';
import { validateSlackRequest } from './signature.ts';

export interface HonoReceiverOptions {
  readonly signingSecret: string;
  readonly logger: Logger;
  readonly replayGuard?: ReplayGuard;
  readonly nowMs?: () => number;
}

type AckBody = Parameters<ReceiverEvent['ack']>[0];

/**
 * Bolt's HTTP receiver, on the web server's own port: Hono hands over the raw request, this checks
 * Slack's signature on the exact bytes, refuses replays, parses the body and passes it to Bolt.
 * The HTTP answer is whatever the listener acknowledges with (a modal's inline errors, a slash
 * command's reply); the listener may carry on after that, and `stop` waits for it.
 */
export class HonoReceiver implements Receiver {
  private bolt: App | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly replayGuard: ReplayGuard;
  private readonly nowMs: () => number;

  constructor(private readonly options: HonoReceiverOptions) {
    this.replayGuard = options.replayGuard ?? createReplayGuard();
    this.nowMs = options.nowMs ?? Date.now;
  }

  init(app: App): void {
    this.bolt = app;
  }

  /** Nothing to listen on: the web server owns the port. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.settled();
  }

  /** Resolves once every listener that has started has finished (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  routes(): Hono {
    const routes = new Hono();
    routes.post('/events', bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.text('Too large', 413) }), (c) =>
      this.handle(c.req.raw),
    );
    return routes;
  }

  async handle(request: Request): Promise<Response> {
    const rawBody = await request.text();
    const contentType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType === 'application/x-www-form-urlencoded' && new URLSearchParams(rawBody).get('ssl_check') === '1') {
      return new Response(null, { status: 200 });
    }
    const check = validateSlackRequest({
      signingSecret: this.options.signingSecret,
      timestampHeader: request.headers.get('x-slack-request-timestamp'),
      signatureHeader: request.headers.get('x-slack-signature'),
      rawBody,
      nowMs: this.nowMs(),
    });
    if (!check.ok) {
      this.options.logger.warn({ reason: check.reason }, 'refused a Slack request that failed verification');
      return new Response('Unauthorized', { status: 401 });
    }
    if (!this.replayGuard.firstSighting(`signature:${check.signature}`, this.nowMs())) {
      this.options.logger.warn({ timestamp: check.timestamp }, 'ignored a replayed Slack request');
      return new Response(null, { status: 200 });
    }
    const body = parseSlackBody(contentType, rawBody);
    if (body === null) return new Response('Bad Request', { status: 400 });
    if (body.type === 'url_verification') return Response.json({ challenge: body.challenge });
    // Slack retries an event it thinks was not acknowledged with a new signature but the same event id.
    if (typeof body.event_id === 'string' && !this.replayGuard.firstSighting(`event:${body.event_id}`, this.nowMs())) {
      return new Response(null, { status: 200 });
    }
    return this.dispatch(body, request.headers);
  }

  private dispatch(body: Record<string, unknown>, headers: Headers): Promise<Response> {
    const bolt = this.bolt;
    if (!bolt) throw new Error('the Slack receiver was used before Bolt initialised it');
    return new Promise<Response>((resolve) => {
      let acknowledged = false;
      const ack = async (response?: AckBody) => {
        if (acknowledged) return;
        acknowledged = true;
        resolve(toResponse(response));
      };
      const retryNum = Number(headers.get('x-slack-retry-num') ?? '');
      const retryReason = headers.get('x-slack-retry-reason');
      const event: ReceiverEvent = {
        body,
        ack,
        ...(Number.isInteger(retryNum) && retryNum > 0 ? { retryNum } : {}),
        ...(retryReason ? { retryReason } : {}),
      };
      const processing: Promise<void> = bolt
        .processEvent(event)
        .then(() => void (acknowledged || ack()))
        .catch((error: unknown) => {
          this.options.logger.error({ err: error }, 'a Slack listener failed');
          if (!acknowledged) {
            acknowledged = true;
            resolve(new Response('Internal Server Error', { status: 500 }));
          }
        })
        .finally(() => this.inFlight.delete(processing));
      this.inFlight.add(processing);
    });
  }
}

/** Slash commands come as a form, interactivity as a form with one `payload` field of JSON, events as JSON. */
function parseSlackBody(contentType: string, rawBody: string): Record<string, unknown> | null {
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = new URLSearchParams(rawBody);
      const payload = form.get('payload');
      return payload !== null ? asObject(JSON.parse(payload)) : Object.fromEntries(form);
    }
    if (contentType === 'application/json') return asObject(JSON.parse(rawBody));
    return null;
  } catch {
    return null;
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function toResponse(body: AckBody): Response {
  if (body === undefined || body === '') return new Response(null, { status: 200 });
  if (typeof body === 'string') return new Response(body, { status: 200 });
  return Response.json(body);
}
