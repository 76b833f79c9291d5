import type { CredentialCommand } from '../domain/credential/commands.ts';
import { decideCredential } from '../domain/credential/decide.ts';
import { credentialStream, type CredentialEvent } from '../domain/credential/events.ts';
import {
  credentialFoldVersion,
  evolveCredential,
  initialCredentialState,
  type CredentialState,
} from '../domain/credential/state.ts';
import { isEventOfStream } from '../domain/events.ts';
import type { Rejection, Result } from '../domain/result.ts';
import { commandContext, type AppDeps, type Requester } from './deps.ts';
import { handleCommand, loadWholeStream, type Decider, type Handled, type StreamLoader } from './handle-command.ts';
import { loadFromSnapshot, snapshotCacheOf, type SnapshotPolicy } from './snapshots.ts';

export const credentialDecider: Decider<CredentialCommand, CredentialEvent, CredentialState> = {
  initialState: initialCredentialState,
  accepts: (event) => isEventOfStream(event, 'credential'),
  evolve: (state, event, metadata) => evolveCredential(state, event, metadata.at),
  decide: decideCredential,
};

/** Snapshots of credential states: a login reads at most this many events past its snapshot. */
export const credentialSnapshotPolicy: SnapshotPolicy = { foldVersion: credentialFoldVersion, everyEvents: 50 };

type CredentialDeps = Pick<AppDeps, 'store' | 'businessId'> & Partial<Pick<AppDeps, 'readModels'>>;

function snapshotLoader(deps: CredentialDeps): StreamLoader<CredentialState> | undefined {
  const readModels = deps.readModels;
  if (!readModels) return undefined;
  return (stream) =>
    loadFromSnapshot(deps.store, credentialDecider, stream, snapshotCacheOf(readModels.db), credentialSnapshotPolicy);
}

/**
 * A command whose id is minted here (no `requester.commandId`: every login attempt, throttled or
 * not) cannot already be in the stream, so it decides on the snapshot and the events after it
 * and skips the duplicate check over the events before. A command carrying its own id (a retried
 * request, a batch item, an import row) may be a retry: it reads the whole stream, so that check
 * sees every command id. Keeping every id in the snapshot instead would make it grow with the stream.
 */
export function runCredentialCommand(
  deps: Pick<AppDeps, 'store' | 'clock' | 'businessId'> & Partial<Pick<AppDeps, 'readModels'>>,
  clientId: string,
  command: CredentialCommand | ((state: CredentialState) => CredentialCommand),
  requester: Requester,
): Promise<Result<Handled<CredentialEvent, CredentialState>, Rejection>> {
  return handleCommand(
    deps.store,
    credentialDecider,
    credentialStream(deps.businessId, clientId),
    command,
    commandContext(deps, requester),
    requester.commandId === undefined ? snapshotLoader(deps) : undefined,
  );
}

/** The current state, from the snapshot beside the read models when there is one. */
export async function loadCredentialState(deps: CredentialDeps, clientId: string): Promise<CredentialState> {
  const stream = credentialStream(deps.businessId, clientId);
  const load = snapshotLoader(deps) ?? ((name: string) => loadWholeStream(deps.store, credentialDecider, name));
  return (await load(stream)).state;
}
