import { Hono } from 'hono';
import type { App } from '../app/context.ts';
import type { Logger } from '../logger.ts';
import type { OidcHosting } from '../oidc/hosting.ts';
import { createClientSite } from './client-site.ts';
import { devOutboxRoutes } from './dev-outbox.tsx';
import { securityHeaders } from './security-headers.ts';
import { mailgunWebhookRoutes } from './webhooks/mailgun.ts';

export interface HttpOptions {
  readonly logger?: Logger;
  /** The Slack bot's `/slack` sub-app (src/slack/bot.ts), when Slack runs in HTTP mode. */
  readonly slack?: Hono;
  /** The OpenID Connect providers (src/oidc/hosting.ts), one per business at `/oidc` on its host, when they run. */
  readonly oidc?: OidcHosting;
}

/** The one Hono app: client pages, webhooks and Slack are sub-apps mounted here. */
export function createHttpApp(app: App, options: HttpOptions = {}): Hono {
  const http = new Hono();
  http.use('*', securityHeaders());
  // Liveness only: the log position, counts and neighbours' state are on the admin port (admin.ts).
  http.get('/health', (c) => c.json({ ok: true }));
  // Before the client site, so its CSRF and session middleware never see Slack's signed requests.
  if (options.slack) http.route('/slack', options.slack);
  const { webhookSigningKey, outboxDir } = app.config.mail;
  if (webhookSigningKey)
    http.route(
      '/webhooks/mailgun',
      mailgunWebhookRoutes(app, {
        signingKey: webhookSigningKey,
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    );
  if (app.config.devMode) http.route('/dev/outbox', devOutboxRoutes(outboxDir));
  http.route(
    '/',
    createClientSite(app, {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.oidc ? { oidc: options.oidc } : {}),
    }),
  );
  return http;
}
