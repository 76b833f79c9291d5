import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppDeps } from '../../app/deps.ts';
import type { SlackUninstallReason } from '../../domain/slack-installation.ts';
import type { Logger } from '../../logger.ts';
import type { SlackInstallations } from './installation-store.ts';
import { decideSlackTeamCommand } from './slack-team.ts';

export interface UninstallOptions {
  readonly deps: Pick<AppDeps, 'store' | 'clock'>;
  readonly installations: SlackInstallations | null;
  /** The single workspace of SLACK_BOT_TOKEN, whose token lives in the environment, not the store. */
  readonly singleTeamId: string | null;
  readonly logger: Logger;
}

type Body = Record<string, unknown>;
const record = (value: unknown): Body => (typeof value === 'object' && value !== null ? (value as Body) : {});

/**
 * Slack's `app_uninstalled` and `tokens_revoked` events: the workspace's stored token is deleted and
 * `SlackUninstalled` recorded, so later requests from it find no token and are refused. These
 * events come without a user (and Bolt skips authorize for them), so this runs before the staff
 * check; it answers them itself and calls no listener. A revocation of user tokens only changes
 * nothing: Latchkey keeps none.
 */
export function handleUninstallEvents({
  deps,
  installations,
  singleTeamId,
  logger,
}: UninstallOptions): Middleware<AnyMiddlewareArgs> {
  return async function handleUninstallEvents(args) {
    const body = record(args.body);
    const event = record(body.event);
    const reason = uninstallReason(body, event);
    if (reason === null) return args.next();
    const teamId = typeof body.team_id === 'string' ? body.team_id : '';
    if (reason === 'tokens_revoked' && !(record(event.tokens).bot as unknown[] | undefined)?.length) return;
    if (teamId === singleTeamId) {
      logger.error(
        { teamId, reason },
        'Slack says the default workspace removed the app: SLACK_BOT_TOKEN no longer works',
      );
      return;
    }
    await installations?.deleteInstallation?.({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
    const eventId = typeof body.event_id === 'string' ? body.event_id : `${teamId}:${deps.clock.now().toISOString()}`;
    const recorded = await decideSlackTeamCommand(
      deps,
      { type: 'UninstallSlack', teamId, reason },
      { actor: { kind: 'system', id: 'slack' }, commandId: `slack-uninstall:${eventId}` },
    );
    if (recorded.ok && recorded.value.events.length > 0)
      logger.info({ teamId, reason }, 'Latchkey was removed from a Slack workspace; its token is deleted');
  };
}

function uninstallReason(body: Body, event: Body): SlackUninstallReason | null {
  if (body.type !== 'event_callback') return null;
  return event.type === 'app_uninstalled' || event.type === 'tokens_revoked' ? event.type : null;
}
