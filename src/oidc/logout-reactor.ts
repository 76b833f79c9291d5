import { join } from 'node:path';
import { forBusiness } from '../app/business-scope.ts';
import { defaultBusinessSettings, findBusiness, listBusinesses } from '../app/businesses.ts';
import type { App } from '../app/context.ts';
import { businessOf, decodeEvent } from '../domain/events.ts';
import type { RecordedEvent } from '../eventstore/port.ts';
import { subscribe } from '../eventstore/subscription.ts';
import type { Logger } from '../logger.ts';
import { openRelayCheckpoint } from '../mail/relay-checkpoint.ts';
import type { OidcHosting } from './hosting.ts';
import { pendingLogoutModel } from './logout.ts';
import type { OidcStore } from './sqlite-adapter.ts';

/**
 * The events after which a client's Latchkey sessions are over for good, and so are her sessions
 * in the business's portals: log out everywhere and a staff revoke (SessionsRevoked), a password
 * change or reset, and a staff disable.
 */
export const endsProviderSessions: ReadonlySet<string> = new Set([
  'SessionsRevoked',
  'PasswordChanged',
  'PasswordResetCompleted',
  'LoginDisabled',
]);

export interface OidcLogoutReactor {
  /** Handles everything stored up to now, then resolves. */
  drain(): Promise<void>;
  /** Sends again the logout tokens apps did not take, where due (also every `retryIntervalMs`); how many were taken. */
  retryFailedLogouts(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

export interface OidcLogoutReactorOptions {
  readonly store: OidcStore;
  readonly hosting: OidcHosting;
  readonly logger?: Logger;
  readonly checkpointFile?: string;
  readonly pollIntervalMs?: number;
  /** How often logout tokens that apps did not take are looked at again (default one minute). */
  readonly retryIntervalMs?: number;
}

/**
 * Ends the provider sessions of a client whose Latchkey sessions ended for good, with back-channel
 * logout to her apps. It follows the log like the mail relay: the event is recorded before the
 * command is acknowledged, and the checkpoint moves only once the sessions are ended, so a crash
 * or a store fault retries it and never loses it. Only provider sessions signed in at or before the
 * event's time are ended, so handling an event twice (a rescan, or every instance of the
 * deployment following the same log) ends nothing new; a portal may at worst receive a second
 * logout token for a session it has already ended.
 */
export function startOidcLogoutReactor(app: App, options: OidcLogoutReactorOptions): OidcLogoutReactor {
  const { deps, config } = app;
  const log = options.logger;
  const checkpoint = openRelayCheckpoint(options.checkpointFile ?? join(config.dataDir, 'oidc-logout-checkpoint.json'));

  async function endFor(businessId: string, clientId: string, at: Date): Promise<void> {
    // Nothing to end: the provider (and its library) is not even loaded.
    if ((await options.store.sessionsOfAccount(businessId, clientId)).length === 0) return;
    const listing = findBusiness(deps, businessId, defaultBusinessSettings(config));
    if (!listing) return;
    const host = await options.hosting.hostFor(
      forBusiness(deps, businessId),
      businessId,
      listing.settings.publicOrigin,
    );
    const ended = await host.logout.endAccountSessions(clientId, at);
    if (ended > 0) log?.info({ businessId, clientId, sessions: ended }, 'ended the client’s portal sessions');
  }

  async function handle(events: readonly RecordedEvent[]): Promise<void> {
    for (const stored of events) {
      if (!endsProviderSessions.has(stored.type)) continue;
      const event = decodeEvent(stored);
      if (!event) continue;
      const { clientId } = event.data as { clientId?: unknown };
      if (typeof clientId !== 'string') continue;
      await endFor(businessOf(event), clientId, new Date(event.metadata.at));
    }
    checkpoint.write(events[events.length - 1]!.position);
  }

  const subscription = subscribe(deps.store, {
    after: checkpoint.read(),
    batchSize: 500,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    handle,
    onError: (error) => log?.error({ err: error }, 'ending portal sessions failed; retrying'),
  });
  /** Only businesses with a logout waiting load their provider. */
  async function retryDue(now = new Date()): Promise<number> {
    let taken = 0;
    for (const listing of listBusinesses(deps, defaultBusinessSettings(config))) {
      const { businessId } = listing;
      if ((await options.store.payloadsOfModel(businessId, pendingLogoutModel)).length === 0) continue;
      const scoped = forBusiness(deps, businessId);
      const host = await options.hosting.hostFor(scoped, businessId, listing.settings.publicOrigin);
      taken += await host.logout.retryFailedLogouts(now);
    }
    return taken;
  }
  // One retry pass at a time, whether the timer or a caller asks.
  let retrying: Promise<unknown> = Promise.resolve();
  function retryInTurn(now?: Date): Promise<number> {
    const run = retrying.then(() => retryDue(now));
    retrying = run.catch(() => undefined);
    return run;
  }
  const retryTimer = setInterval(() => {
    retryInTurn().catch((error: unknown) =>
      log?.error({ err: error }, 'sending logouts again failed; trying again later'),
    );
  }, options.retryIntervalMs ?? 60_000);
  retryTimer.unref();

  return {
    drain: () => subscription.catchUp(),
    retryFailedLogouts: retryInTurn,
    async stop() {
      clearInterval(retryTimer);
      await retrying;
      await subscription.stop();
    },
  };
}
