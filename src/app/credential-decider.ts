import type { CredentialCommand } from '../domain/credential/commands.ts';
import { decideCredential } from '../domain/credential/decide.ts';
import { credentialStream, type CredentialEvent } from '../domain/credential/events.ts';
import { evolveCredential, initialCredentialState, type CredentialState } from '../domain/credential/state.ts';
import { isEventOfStream } from '../domain/events.ts';
import type { Rejection, Result } from '../domain/result.ts';
import { commandContext, type AppDeps, type Requester } from './deps.ts';
import { foldStream, handleCommand, type Decider, type Handled } from './handle-command.ts';

export const credentialDecider: Decider<CredentialCommand, CredentialEvent, CredentialState> = {
  initialState: initialCredentialState,
  accepts: (event) => isEventOfStream(event, 'credential'),
  evolve: (state, event, metadata) => evolveCredential(state, event, metadata.at),
  decide: decideCredential,
};

export function runCredentialCommand(
  deps: Pick<AppDeps, 'store' | 'clock'>,
  clientId: string,
  command: CredentialCommand | ((state: CredentialState) => CredentialCommand),
  requester: Requester,
): Promise<Result<Handled<CredentialEvent, CredentialState>, Rejection>> {
  return handleCommand(
    deps.store,
    credentialDecider,
    credentialStream(clientId),
    command,
    commandContext(deps, requester),
  );
}

export async function loadCredentialState(deps: Pick<AppDeps, 'store'>, clientId: string): Promise<CredentialState> {
  return foldStream(credentialDecider, await deps.store.readStream(credentialStream(clientId)));
}
