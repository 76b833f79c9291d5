import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { App } from '../../app/context.ts';
import type { Logger } from '../../logger.ts';
import {
  classifyReport,
  mailgunWebhookSchema,
  recordDeliveryReport,
  verifyMailgunSignature,
  verifyWebhookTimestamp,
} from '../../mail/delivery-reports.ts';

export interface MailgunWebhookOptions {
  readonly signingKey: string;
  readonly logger?: Logger;
}

/**
 * POST /webhooks/mailgun: Mailgun's JSON delivery reports. No CSRF check here: the request comes
 * from Mailgun's servers, and its HMAC signature, 5-minute window and one-use token stand in.
 * Answers: 200 recorded or ignored, 400 not a Mailgun report, 401 bad signature or stale,
 * 406 refused for good (Mailgun does not retry a 406).
 */
export function mailgunWebhookRoutes(app: App, options: MailgunWebhookOptions): Hono {
  const routes = new Hono();
  routes.post(
    '/',
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ ok: false, error: 'body too large' }, 413) }),
    async (c) => {
      const parsed = mailgunWebhookSchema.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success)
        return c.json({ ok: false, error: 'not a Mailgun webhook (JSON with signature and event-data)' }, 400);
      const webhook = parsed.data;
      if (!verifyMailgunSignature(options.signingKey, webhook.signature)) {
        options.logger?.warn('Mailgun webhook refused: bad signature');
        return c.json({ ok: false, error: 'bad signature' }, 401);
      }
      if (!verifyWebhookTimestamp(webhook.signature.timestamp, app.deps.clock.now())) {
        options.logger?.warn(
          { timestamp: webhook.signature.timestamp },
          'Mailgun webhook refused: timestamp outside the 5-minute window',
        );
        return c.json({ ok: false, error: 'stale timestamp' }, 401);
      }
      const kind = classifyReport(webhook['event-data']);
      if (!kind) return c.json({ ok: true, ignored: webhook['event-data'].event });
      const recorded = await recordDeliveryReport(app.deps, webhook, kind);
      if (!recorded.ok) {
        options.logger?.warn(
          { reason: recorded.error.code, event: webhook['event-data'].event },
          'Mailgun webhook refused',
        );
        return c.json({ ok: false, error: recorded.error.code }, 406);
      }
      options.logger?.info(
        { clientId: recorded.value.clientId, report: kind.type },
        'Mailgun delivery report recorded',
      );
      return c.json({ ok: true });
    },
  );
  return routes;
}
