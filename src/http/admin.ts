import { Hono } from 'hono';
import type { App } from '../app/context.ts';
import { securityHeaders } from './security-headers.ts';

/** What the other parts of a running server report about themselves. */
export interface ServerParts {
  readonly mail: () => {
    readonly relay: 'running' | 'paused' | 'off';
    readonly transport: string;
    /** While paused: why (Mailgun refused the API key, or could not be reached), and since when. */
    readonly problem?: string;
    readonly since?: string;
  };
  readonly slack: () => Record<string, unknown> | null;
}

/** Beyond this many events behind, the lag is reported as "at least" rather than counted. */
const lagCountLimit = 10_000;

/**
 * The operators' port (ADMIN_PORT, on ADMIN_HOST, loopback by default): readiness and status.
 * Kept off the public site because the log head, lag and neighbours' state tell an attacker how
 * busy the business is and which part is down; `/health` there says only "alive".
 */
export function createAdminApp(app: App, parts: ServerParts): Hono {
  const http = new Hono();
  http.use('*', securityHeaders());
  http.get('/health', (c) => c.json({ ok: true }));
  http.get('/ready', async (c) => {
    const status = await readStatus(app, parts);
    return c.json(
      { ready: status.ready, ...(status.ready ? {} : { problem: status.problem }) },
      status.ready ? 200 : 503,
    );
  });
  http.get('/status', async (c) => c.json(await readStatus(app, parts)));
  return http;
}

async function readStatus(app: App, parts: ServerParts) {
  const { store, projections } = app.deps;
  const checkpoint = projections.checkpoint();
  let head = checkpoint;
  let behind = 0;
  try {
    // Counting what the read models have not yet applied also finds the head, without a scan of the log.
    for (let after = checkpoint; behind < lagCountLimit;) {
      const links = await store.readLinks({ after, limit: 1_000 });
      if (links.length === 0) break;
      behind += links.length;
      after = head = links[links.length - 1]!.position;
    }
  } catch (error) {
    return {
      ready: false,
      problem: `the event store does not answer: ${error instanceof Error ? error.message : String(error)}`,
      readModels: { position: checkpoint },
    };
  }
  return {
    ready: true,
    log: { head },
    readModels: { position: checkpoint, eventsBehind: behind >= lagCountLimit ? `${lagCountLimit}+` : behind },
    mail: parts.mail(),
    slack: parts.slack(),
  };
}
