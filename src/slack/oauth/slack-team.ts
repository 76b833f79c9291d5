import { commandContext, type AppDeps, type Requester } from '../../app/deps.ts';
import { foldStream, handleCommand, type Decider } from '../../app/handle-command.ts';
import { defaultBusinessId } from '../../domain/business.ts';
import { isEventOfStream } from '../../domain/events.ts';
import { ok, type Rejection, type Result } from '../../domain/result.ts';
import {
  decideSlackTeam,
  evolveSlackTeam,
  initialSlackTeamState,
  slackTeamStream,
  type SlackInstallationEvent,
  type SlackTeamCommand,
  type SlackTeamState,
} from '../../domain/slack-installation.ts';

export const slackTeamDecider: Decider<SlackTeamCommand, SlackInstallationEvent, SlackTeamState> = {
  initialState: initialSlackTeamState,
  accepts: (event) => isEventOfStream(event, 'slack-team'),
  evolve: (state, event) => evolveSlackTeam(state, event),
  decide: decideSlackTeam,
};

/** Records an installation or an uninstall on the workspace's own stream (the store refuses a second binder). */
export async function decideSlackTeamCommand(
  deps: Pick<AppDeps, 'store' | 'clock'>,
  command: SlackTeamCommand,
  requester: Requester,
): Promise<Result<{ readonly events: readonly SlackInstallationEvent[]; readonly state: SlackTeamState }, Rejection>> {
  const handled = await handleCommand(
    deps.store,
    slackTeamDecider,
    slackTeamStream(command.teamId),
    command,
    commandContext({ clock: deps.clock, businessId: await businessOfCommand(deps, command) }, requester),
  );
  return handled.ok ? ok({ events: handled.value.events, state: handled.value.state }) : handled;
}

/** An install is the installing business's event; an uninstall, the business that held the workspace. */
async function businessOfCommand(deps: Pick<AppDeps, 'store'>, command: SlackTeamCommand): Promise<string> {
  if (command.type === 'InstallSlack') return command.businessId;
  const state = await slackTeamState(deps, command.teamId);
  return state.status === 'installed' ? state.businessId : defaultBusinessId;
}

/** The business a workspace is installed for, as the log says. */
export async function slackTeamState(deps: Pick<AppDeps, 'store'>, teamId: string): Promise<SlackTeamState> {
  return foldStream(slackTeamDecider, await deps.store.readStream(slackTeamStream(teamId)));
}
