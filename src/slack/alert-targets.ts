import { webApi } from '@slack/bolt';
import { defaultBusinessId } from '../domain/business.ts';
import type { Logger } from '../logger.ts';
import { boltLogger } from './bolt-logger.ts';
import type { SlackStaffOf } from './staff-settings.ts';

/** Where one business's alerts go: its alerts channel, posted with its own workspace's bot token. */
export interface AlertTarget {
  readonly client: webApi.WebClient;
  readonly channel: string;
}

export type AlertTargetOf = (businessId: string) => AlertTarget | null;

export interface AlertTargetOptions {
  readonly staffOf: SlackStaffOf;
  /** SLACK_BOT_TOKEN, the default business's single workspace; null without it. */
  readonly singleWorkspaceToken: string | null;
  /** The bot token of the workspace a business is installed in (OAuth), or null. */
  readonly installedToken: (businessId: string) => string | null;
  readonly apiUrl: string | null;
  readonly logger: Logger;
}

/**
 * A business's alerts are posted only into its own workspace: the default business's with
 * SLACK_BOT_TOKEN (or its installation, without one), any other business's with the token of its
 * own installation. A business without an alerts channel, or without a workspace, has no target.
 * Tokens are read each time, so an uninstall or a reinstall takes effect at the next alert.
 */
export function alertTargets({
  staffOf,
  singleWorkspaceToken,
  installedToken,
  apiUrl,
  logger,
}: AlertTargetOptions): AlertTargetOf {
  const clients = new Map<string, webApi.WebClient>();
  function clientWith(token: string): webApi.WebClient {
    let client = clients.get(token);
    if (!client) {
      client = new webApi.WebClient(token, { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), logger: boltLogger(logger) });
      clients.set(token, client);
    }
    return client;
  }
  return function alertTargetOf(businessId) {
    const channel = staffOf(businessId).alertsChannelId;
    if (channel === null) return null;
    const token =
      businessId === defaultBusinessId && singleWorkspaceToken !== null
        ? singleWorkspaceToken
        : installedToken(businessId);
    return token === null ? null : { client: clientWith(token), channel };
  };
}
