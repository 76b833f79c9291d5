import type { AnyMiddlewareArgs, Authorize, AuthorizeResult, Context, Middleware } from '@slack/bolt';
import type { SlackConfig } from '../config.ts';
import { defaultBusinessId } from '../domain/business.ts';
import type { Logger } from '../logger.ts';
import { refuse } from './authorize.ts';
import type { SlackInstallations } from './oauth/installation-store.ts';
import { describeSlackRequester } from './requester.ts';

/**
 * The business a Slack request acts for. Bolt's authorize step (below) puts it in the context
 * from the request's workspace, before any middleware or listener runs; a listener reads it here
 * and passes it to the business scope of the app. A request that reached a listener always has one.
 */
export function businessIdOf(context: Context): string {
  const businessId: unknown = context.businessId;
  if (typeof businessId !== 'string' || businessId === '')
    throw new Error('this Slack request has no business: the authorize step did not run for it');
  return businessId;
}

export interface BusinessAuthorizeOptions {
  readonly settings: Pick<SlackConfig, 'botToken' | 'teamId' | 'oauth'>;
  /** Workspaces installed with OAuth; null when OAuth is off. */
  readonly installations: SlackInstallations | null;
  /** The single workspace's bot ids, once the background token check knows them. */
  readonly singleWorkspaceBot: () => { readonly botId: string; readonly botUserId: string } | null;
}

/**
 * Bolt's `authorize`: the request's workspace gives the bot token and the business. The single
 * workspace of `SLACK_BOT_TOKEN` is the default business's; any other workspace must be installed
 * (its token is read from the encrypted installation store). A workspace that is neither is
 * refused: Bolt calls no listener when authorize throws. Without OAuth, every request keeps the
 * single token, and the staff check refuses other workspaces and records it, as it always has.
 */
export function authorizeByWorkspace({
  settings,
  installations,
  singleWorkspaceBot,
}: BusinessAuthorizeOptions): Authorize<boolean> {
  function single(): AuthorizeResult {
    const bot = singleWorkspaceBot();
    return {
      botToken: settings.botToken ?? undefined,
      teamId: settings.teamId ?? undefined,
      businessId: defaultBusinessId,
      ...(bot ? { botId: bot.botId, botUserId: bot.botUserId } : {}),
    };
  }
  return async function authorizeByWorkspace(source) {
    const singleMode = settings.botToken !== null && settings.teamId !== null;
    if (singleMode && (source.teamId === settings.teamId || installations === null)) return single();
    if (installations === null || !source.teamId || source.isEnterpriseInstall)
      throw new Error(`Slack workspace ${source.teamId ?? '(none)'} is not one of this deployment's`);
    const installation = await installations.fetchInstallation({
      teamId: source.teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    const bot = installation.bot;
    if (!bot || !installation.metadata) throw new Error(`the installation of ${source.teamId} has no bot token`);
    return {
      botToken: bot.token,
      botUserId: bot.userId,
      ...(bot.id ? { botId: bot.id } : {}),
      teamId: source.teamId,
      businessId: installation.metadata,
    };
  };
}

export interface SuspendedBusinessOptions {
  readonly isSuspended: (businessId: string) => boolean;
  readonly logger: Logger;
}

export const suspendedBusinessText =
  'This business is suspended in Latchkey, so nothing can be done here. Ask the company that hosts Latchkey for you.';

/** A suspended business's staff are told so where they asked, and nothing else happens; nothing is recorded. */
export function refuseSuspendedBusiness({
  isSuspended,
  logger,
}: SuspendedBusinessOptions): Middleware<AnyMiddlewareArgs> {
  return async function refuseSuspendedBusiness(args) {
    const businessId: unknown = args.context.businessId;
    if (typeof businessId !== 'string' || !isSuspended(businessId)) return args.next();
    const requester = describeSlackRequester(args.body);
    logger.warn({ businessId, action: requester?.action ?? null }, 'answered a Slack request for a suspended business');
    if (requester) await refuse(args, requester, suspendedBusinessText);
  };
}
