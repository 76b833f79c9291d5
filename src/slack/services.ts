import type { Context } from '@slack/bolt';
import { forBusiness } from '../app/business-scope.ts';
import type { AppDeps } from '../app/deps.ts';
import type { SlackConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { businessIdOf } from './business-context.ts';
import { slackStaffOf } from './staff-settings.ts';

/**
 * What the listeners need. `register` is handed the deployment's (the default business's); every
 * listener is registered through `perBusiness`, so it only ever sees the request's business.
 */
export interface SlackServices {
  /** One business's view: its read models, streams, rules and command context. */
  readonly deps: AppDeps;
  /** The deployment's Slack settings, with the staff and alerts channels of the business's own workspace. */
  readonly settings: SlackConfig;
  readonly logger: Logger;
  readonly bulkRuns: BulkRuns;
  /** The business's time zone, in which staff read every time. */
  readonly timeZone: string;
}

/**
 * One bulk run of each kind at a time in this process: two staff pressing "provision everyone"
 * together would otherwise start two batches over the same clients and email them twice.
 */
export interface BulkRuns {
  /** The label of the run already going, or null when this one was started. */
  tryStart(kind: string, label: string): string | null;
  finish(kind: string): void;
}

export function createBulkRuns(): BulkRuns {
  const running = new Map<string, string>();
  return {
    tryStart(kind, label) {
      const current = running.get(kind);
      if (current !== undefined) return current;
      running.set(kind, label);
      return null;
    },
    finish: (kind) => void running.delete(kind),
  };
}

/** A business's own bulk runs: one of each kind per business, never blocked by another business's run. */
function bulkRunsOf(bulkRuns: BulkRuns, businessId: string): BulkRuns {
  return {
    tryStart: (kind, label) => bulkRuns.tryStart(`${businessId}:${kind}`, label),
    finish: (kind) => bulkRuns.finish(`${businessId}:${kind}`),
  };
}

/**
 * The services as the request's business sees them (the business Bolt's authorize step chose
 * from the workspace): its deps, so every client id, batch id or user name that arrives in a
 * button or a modal is looked up among its own; its bulk runs; its time zone; its staff channel.
 */
export function servicesFor(deployment: SlackServices, context: Context): SlackServices {
  const deps = forBusiness(deployment.deps, businessIdOf(context));
  const recorded = deps.readModels.businesses.getBusiness(deps.businessId);
  const staff = slackStaffOf(() => recorded?.settings ?? null, deployment.settings)(deps.businessId);
  return {
    ...deployment,
    settings: { ...deployment.settings, ...staff },
    deps,
    bulkRuns: bulkRunsOf(deployment.bulkRuns, deps.businessId),
    timeZone: recorded?.settings.timeZone ?? deployment.timeZone,
  };
}

/** Registers a listener so that each request builds it from its own business's services. */
export function perBusiness<Args extends { readonly context: Context }>(
  deployment: SlackServices,
  listener: (services: SlackServices) => (args: Args) => Promise<void>,
): (args: Args) => Promise<void> {
  return async function listenForBusiness(args) {
    await listener(servicesFor(deployment, args.context))(args);
  };
}
