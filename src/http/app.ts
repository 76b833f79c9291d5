import { Hono } from 'hono';
import type { App } from '../app/context.ts';
import type { Logger } from '../logger.ts';

export interface HttpOptions {
  readonly logger?: Logger;
}

/** The one Hono app: client pages, webhooks and Slack are sub-apps mounted here. */
export function createHttpApp(app: App, _options: HttpOptions = {}): Hono {
  const http = new Hono();
  http.get('/health', (c) => c.json({ ok: true, checkpoint: app.deps.projections.checkpoint() }));
  return http;
}
