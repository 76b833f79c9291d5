import { join } from 'node:path';
import type { HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import type { App } from '../app/context.ts';
import { defaultBusinessId } from '../domain/business.ts';
import { createOidcProvider } from './provider.ts';
import { oidcRoutes } from './routes.ts';
import { openOidcStore } from './sqlite-adapter.ts';

export interface RunningOidc {
  readonly routes: Hono<{ Bindings: HttpBindings }>;
  close(): void;
}

const sweepIntervalMs = 10 * 60_000;

/**
 * The provider as `latchkey serve` runs it: the default business's provider on the store in the
 * data folder, with expired codes, tokens and sessions deleted every ten minutes.
 */
export function startOidc(app: App): RunningOidc {
  const store = openOidcStore(join(app.config.dataDir, 'oidc.sqlite'));
  const provider = createOidcProvider(app.deps, {
    businessId: defaultBusinessId,
    publicOrigin: new URL(app.config.publicOrigin).origin,
    dataDir: app.config.dataDir,
    store,
  });
  const sweeper = setInterval(() => store.sweep(), sweepIntervalMs);
  sweeper.unref();
  return {
    routes: oidcRoutes(provider),
    close() {
      clearInterval(sweeper);
      store.close();
    },
  };
}
