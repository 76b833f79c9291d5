import { loadConfig } from '../config.ts';
import { forBusiness } from '../app/business-scope.ts';
import { openApp, type App, type AppOptions } from '../app/context.ts';
import type { Actor } from '../eventstore/port.ts';
import { createLogger } from '../logger.ts';
import { userInfo } from 'node:os';
import { selectedBusiness } from './business-option.ts';
import { fail } from './errors.ts';

export { fail } from './errors.ts';

/** Runs a command against a freshly opened app, as the business `--business` names, and always closes it. */
export async function withApp<T>(run: (app: App) => Promise<T>, options: AppOptions = {}): Promise<T> {
  const config = loadConfig(process.env, { readOnly: options.readOnly ?? false });
  const app = await openApp(config, { logger: createLogger(config.logLevel, process.stderr as never), ...options });
  try {
    const businessId = selectedBusiness();
    if (businessId === undefined) return await run(app);
    if (!app.deps.scopes.scopeOf(businessId))
      fail(`there is no business ${businessId}; \`latchkey business list\` shows them`);
    return await run({ ...app, deps: forBusiness(app.deps, businessId) });
  } finally {
    await app.close();
  }
}

/**
 * For audits: the store opened for reading only, read models in memory, so a backup or a read-only
 * copy of the data folder can be audited and nothing is written.
 */
export function withReadOnlyApp<T>(run: (app: App) => Promise<T>): Promise<T> {
  return withApp(run, { readOnly: true });
}

/** CLI actions are recorded with the operating-system user as the actor. */
export function cliActor(): Actor {
  const name = userInfo().username;
  return { kind: 'cli', id: name, name };
}
