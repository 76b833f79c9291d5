import { ok, reject, type Rejection, type Result } from './result.ts';

/**
 * A Slack workspace (team) is installed into one business at a time. The installation is held on
 * the team's own stream, as an origin or a user name is, so the store itself guarantees that two
 * businesses never bind one workspace. The bot token is a secret and is never part of an event:
 * the log records only who installed which workspace, with which bot user and scopes.
 */
export type SlackInstallationEvent =
  | {
      readonly type: 'SlackInstalled';
      readonly data: {
        readonly businessId: string;
        readonly teamId: string;
        readonly teamName: string;
        readonly botUserId: string;
        readonly scopes: readonly string[];
        /** The Slack user id of the person who approved the installation. */
        readonly installedBy: string;
      };
    }
  | {
      readonly type: 'SlackUninstalled';
      readonly data: {
        readonly businessId: string;
        readonly teamId: string;
        readonly reason: SlackUninstallReason;
      };
    };

export type SlackUninstallReason = 'app_uninstalled' | 'tokens_revoked';

export type SlackTeamState =
  | { readonly status: 'free' }
  | { readonly status: 'installed'; readonly businessId: string; readonly botUserId: string };

export type SlackTeamCommand =
  | {
      readonly type: 'InstallSlack';
      readonly businessId: string;
      readonly teamId: string;
      readonly teamName: string;
      readonly botUserId: string;
      readonly scopes: readonly string[];
      readonly installedBy: string;
    }
  | { readonly type: 'UninstallSlack'; readonly teamId: string; readonly reason: SlackUninstallReason };

export const slackTeamStream = (teamId: string): string => `slack-team-${teamId}`;
export const initialSlackTeamState: SlackTeamState = { status: 'free' };

export function evolveSlackTeam(_state: SlackTeamState, event: SlackInstallationEvent): SlackTeamState {
  switch (event.type) {
    case 'SlackInstalled':
      return { status: 'installed', businessId: event.data.businessId, botUserId: event.data.botUserId };
    case 'SlackUninstalled':
      return { status: 'free' };
  }
}

/**
 * Installing again into the same business is recorded (new scopes, a new installer); a workspace
 * installed for another business is refused until it is uninstalled there. Uninstalling a
 * workspace that is not installed records nothing.
 */
export function decideSlackTeam(
  command: SlackTeamCommand,
  state: SlackTeamState,
): Result<SlackInstallationEvent[], Rejection> {
  switch (command.type) {
    case 'InstallSlack': {
      if (state.status === 'installed' && state.businessId !== command.businessId) {
        return reject(
          'team_taken',
          `This Slack workspace is already installed for business ${state.businessId}; uninstall it there first.`,
        );
      }
      const { type: _type, ...data } = command;
      return ok([{ type: 'SlackInstalled', data }]);
    }
    case 'UninstallSlack':
      return state.status === 'installed'
        ? ok([
            {
              type: 'SlackUninstalled',
              data: { businessId: state.businessId, teamId: command.teamId, reason: command.reason },
            },
          ])
        : ok([]);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
