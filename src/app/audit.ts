import { clientStream, type ClientState } from '../domain/client.ts';
import { credentialStream } from '../domain/credential/events.ts';
import type { CredentialState } from '../domain/credential/state.ts';
import type { Actor, EventStore, RecordedEvent } from '../eventstore/port.ts';
import { openReadModels, type ReadModels } from '../projections/read-models.ts';
import { credentialDecider } from './credential-decider.ts';
import type { AppDeps } from './deps.ts';
import { clientDecider } from './directory.ts';
import { decodeStream, foldEvents } from './handle-command.ts';

/** Finds a client by id or by user name. */
export function resolveClient(deps: Pick<AppDeps, 'readModels'>, idOrUserName: string): string | null {
  if (deps.readModels.clients.getClient(idOrUserName)) return idOrUserName;
  return deps.readModels.credentials.findClientIdByUserName(idOrUserName.trim().toLowerCase());
}

export interface Setter {
  readonly at: string;
  readonly actor: Actor;
  readonly event: string;
}

export interface StateAsOf {
  readonly clientId: string;
  readonly instant: string;
  readonly client: ClientState;
  readonly credential: CredentialState;
  /** What could open the login at that instant, each with who set it and when. */
  readonly couldSignInWith: readonly {
    readonly what: 'permanent_password' | 'temporary_password';
    readonly setBy: Setter;
    readonly expiresAt?: string;
  }[];
  readonly lastChange: Setter | null;
}

/**
 * Replays the client's streams from the log up to an instant: "what could this client log in
 * with on 3 March at 14:00, and who set it?" Only the log is read, never a projection.
 */
export async function credentialStateAsOf(
  store: EventStore,
  businessId: string,
  clientId: string,
  instant: Date,
): Promise<StateAsOf> {
  const until = <E extends { metadata: { at: string } }>(events: E[]) =>
    events.filter((e) => Date.parse(e.metadata.at) <= instant.getTime());
  const clientEvents = until(decodeStream(clientDecider, await store.readStream(clientStream(businessId, clientId))));
  const credentialEvents = until(
    decodeStream(credentialDecider, await store.readStream(credentialStream(businessId, clientId))),
  );
  const client = foldEvents(clientDecider, clientDecider.initialState, clientEvents);
  let credential = credentialDecider.initialState;
  let passwordSetBy: Setter | null = null;
  let tempSetBy: Setter | null = null;
  for (const event of credentialEvents) {
    credential = credentialDecider.evolve(credential, event, event.metadata);
    const setter = { at: event.metadata.at, actor: event.metadata.actor, event: event.type };
    if (
      event.type === 'PermanentPasswordChosen' ||
      event.type === 'PasswordChanged' ||
      event.type === 'PasswordResetCompleted'
    )
      passwordSetBy = setter;
    if (event.type === 'TempPasswordIssued') tempSetBy = setter;
  }
  const couldSignInWith: StateAsOf['couldSignInWith'][number][] = [];
  if (credential.status === 'active') {
    const { login } = credential;
    if (login.passwordHash && passwordSetBy) couldSignInWith.push({ what: 'permanent_password', setBy: passwordSetBy });
    if (login.temp && tempSetBy && Date.parse(login.temp.expiresAt) > instant.getTime()) {
      couldSignInWith.push({ what: 'temporary_password', setBy: tempSetBy, expiresAt: login.temp.expiresAt });
    }
  }
  const last = [...clientEvents, ...credentialEvents]
    .sort((a, b) => store.comparePositions(a.position, b.position))
    .at(-1);
  return {
    clientId,
    instant: instant.toISOString(),
    client,
    credential,
    couldSignInWith,
    lastChange: last ? { at: last.metadata.at, actor: last.metadata.actor, event: last.type } : null,
  };
}

export interface RebuildReport {
  readonly equal: boolean;
  readonly eventsReplayed: number;
  readonly differences: readonly {
    readonly table: string;
    readonly live: string | null;
    readonly rebuilt: string | null;
  }[];
}

/**
 * Replays the whole log into fresh read models and compares them row by row with the live
 * ones, up to the same checkpoint.
 */
export async function rebuildAndCompare(
  store: EventStore,
  live: ReadModels,
  maxDifferences = 20,
): Promise<RebuildReport> {
  const fresh = openReadModels(':memory:', live.projections);
  try {
    const target = live.checkpoint();
    let after: string | null = null;
    let eventsReplayed = 0;
    while (target !== null && (after === null || store.comparePositions(after, target) < 0)) {
      const events: RecordedEvent[] = (await store.readAll({ after, limit: 5_000 })).filter(
        (e) => store.comparePositions(e.position, target) <= 0,
      );
      if (events.length === 0) break;
      fresh.apply(events, store.comparePositions);
      eventsReplayed += events.length;
      after = events[events.length - 1]!.position;
    }
    const differences: RebuildReport['differences'][number][] = [];
    for (const { name, orderBy } of live.projections.flatMap((p) => p.tables)) {
      const rows = (models: ReadModels) =>
        models.db
          .prepare(`SELECT * FROM ${name} ORDER BY ${orderBy}`)
          .all()
          .map((row) => JSON.stringify(row));
      const liveRows = rows(live);
      const freshRows = rows(fresh);
      for (let i = 0; i < Math.max(liveRows.length, freshRows.length) && differences.length < maxDifferences; i++) {
        if (liveRows[i] !== freshRows[i])
          differences.push({ table: name, live: liveRows[i] ?? null, rebuilt: freshRows[i] ?? null });
      }
    }
    return { equal: differences.length === 0, eventsReplayed, differences };
  } finally {
    fresh.close();
  }
}
