import { webApi } from '@slack/bolt';
import type { Logger } from '../logger.ts';
import { boltLogger } from './bolt-logger.ts';

/** What Latchkey last learnt about its bot token, for the log, the status page and Bolt's context. */
export type SlackTokenState =
  | { readonly status: 'checking' }
  | { readonly status: 'verified'; readonly botUserId: string; readonly botId: string; readonly teamId: string }
  | { readonly status: 'token_refused'; readonly error: string }
  | { readonly status: 'wrong_workspace'; readonly teamId: string }
  | { readonly status: 'unreachable'; readonly reason: string }
  /** OAuth mode without SLACK_BOT_TOKEN: each workspace's token comes from its installation. */
  | { readonly status: 'per_workspace' };

export interface SlackTokenCheck {
  state(): SlackTokenState;
  stop(): void;
}

export interface SlackTokenCheckOptions {
  readonly botToken: string;
  readonly teamId: string;
  readonly apiUrl: string | null;
  readonly logger: Logger;
  /** Waits before each new check after a failure; the last one repeats. */
  readonly retryDelaysMs?: readonly number[];
  /** How often a verified token is checked again, so a token revoked later is noticed. */
  readonly recheckMs?: number;
}

/** Slack's answers that mean the token itself is bad, not that Slack is having trouble. */
const refusedTokenErrors = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'no_permission',
  'missing_scope',
]);

/**
 * Checks the bot token with `auth.test` off the request path, at start and then in the background
 * with backoff, and logs one line each time the answer changes. Bolt's own start-up check would
 * hold every request until Slack answered, and a refused token would end the whole process
 * (an unhandled rejection), taking the clients' login site down with the bot.
 */
export function startSlackTokenCheck(options: SlackTokenCheckOptions): SlackTokenCheck {
  const retryDelaysMs = options.retryDelaysMs ?? [2_000, 10_000, 30_000, 60_000, 300_000];
  const recheckMs = options.recheckMs ?? 10 * 60_000;
  const logger = options.logger;
  // No retries inside the client: this loop is the retry, and it must never wait half an hour on one call.
  const client = new webApi.WebClient(options.botToken, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 10_000,
    // This loop logs each change of state itself; the client's own line per failed attempt would repeat it.
    logger: { ...boltLogger(logger), warn: () => undefined },
  });
  let state: SlackTokenState = { status: 'checking' };
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function check(): Promise<void> {
    const next = await askSlack();
    if (stopped) return;
    report(next);
    state = next;
    failures = next.status === 'verified' ? 0 : failures + 1;
    const delay =
      next.status === 'verified'
        ? recheckMs
        : (retryDelaysMs[Math.min(failures, retryDelaysMs.length) - 1] ?? recheckMs);
    timer = setTimeout(() => void check(), delay);
    timer.unref();
  }

  async function askSlack(): Promise<SlackTokenState> {
    try {
      const answer = await client.auth.test();
      const teamId = answer.team_id ?? '';
      if (teamId !== options.teamId) return { status: 'wrong_workspace', teamId };
      return { status: 'verified', botUserId: answer.user_id ?? '', botId: answer.bot_id ?? '', teamId };
    } catch (error) {
      const slackError = (error as { data?: { error?: unknown } }).data?.error;
      if (typeof slackError === 'string' && refusedTokenErrors.has(slackError))
        return { status: 'token_refused', error: slackError };
      const reason = typeof slackError === 'string' ? `Slack answered ${slackError}` : describe(error);
      return { status: 'unreachable', reason };
    }
  }

  function report(next: SlackTokenState): void {
    if (sameState(state, next)) return;
    switch (next.status) {
      case 'verified':
        logger.info({ slack: 'verified', teamId: next.teamId, botUserId: next.botUserId }, 'Slack bot token verified');
        return;
      case 'token_refused':
        logger.error(
          { slack: 'token_refused', error: next.error },
          `Slack refused the bot token (${next.error}): staff commands and alerts fail until SLACK_BOT_TOKEN is replaced; the client site keeps serving`,
        );
        return;
      case 'wrong_workspace':
        logger.error(
          { slack: 'wrong_workspace', tokenTeamId: next.teamId, teamId: options.teamId },
          `SLACK_BOT_TOKEN belongs to workspace ${next.teamId}, not SLACK_TEAM_ID ${options.teamId}: fix one of them; the client site keeps serving`,
        );
        return;
      case 'unreachable':
        logger.warn(
          { slack: 'unreachable', reason: next.reason },
          `Slack's Web API cannot be reached (${next.reason}): retrying in the background; the client site keeps serving`,
        );
        return;
      case 'checking':
      case 'per_workspace':
        return;
    }
  }

  void check();
  return {
    state: () => state,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

function sameState(a: SlackTokenState, b: SlackTokenState): boolean {
  if (a.status !== b.status) return false;
  // Each new reason for being unreachable is not news: one line per state, not per attempt.
  if (a.status === 'token_refused' && b.status === 'token_refused') return a.error === b.error;
  return true;
}

function describe(error: unknown): string {
  const original = (error as { original?: { code?: unknown; message?: unknown } }).original;
  if (original && typeof original.code === 'string') return original.code;
  if (original && typeof original.message === 'string') return original.message;
  return error instanceof Error ? error.message : String(error);
}
