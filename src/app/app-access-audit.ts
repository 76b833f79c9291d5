import { decodeEvent, isEventOfStream } from '../domain/events.ts';
import { sessionStream, type AppSignInMethod } from '../domain/session.ts';
import type { Actor, EventStore } from '../eventstore/port.ts';
import type { StateAsOf } from './audit.ts';

/** An app of the business as it stood at the instant: registered before it, not removed by then. */
export interface AppAsOf {
  readonly appId: string;
  readonly name: string;
  readonly registeredAt: string;
  readonly registeredBy: Actor;
}

/** What the client could open those apps with then: her login's state, as the provider would have seen it. */
export type AppCredentialAsOf =
  'password' | 'temporary password' | 'password or temporary password' | 'none' | 'disabled' | 'not a client';

export interface AppAccessAsOf {
  readonly apps: readonly AppAsOf[];
  readonly signInWith: AppCredentialAsOf;
  /** Her latest sign-in to each app before the instant, oldest first. */
  readonly lastSignIns: readonly {
    readonly appId: string;
    readonly appName: string | null;
    readonly method: AppSignInMethod;
    readonly at: string;
  }[];
}

const pageSize = 5_000;

/**
 * "Which apps could she sign in to on 3 March, and with what": the business's apps at that
 * instant, replayed from the log (the read model forgets removed apps, so it cannot answer for the
 * past), with her credential state then. The apps live in streams of their own, so this reads the
 * whole log once.
 */
export async function appAccessAsOf(
  store: EventStore,
  businessId: string,
  state: StateAsOf,
  instant: Date,
): Promise<AppAccessAsOf> {
  const before = (at: string) => Date.parse(at) <= instant.getTime();
  const apps = new Map<string, AppAsOf>();
  for (let after: string | null = null; ;) {
    const page = await store.readAll({ after, limit: pageSize });
    if (page.length === 0) break;
    after = page[page.length - 1]!.position;
    for (const stored of page) {
      if (!stored.type.startsWith('OidcApp') || !before(stored.metadata.at)) continue;
      const event = decodeEvent(stored);
      if (!event || !isEventOfStream(event, 'oidc-app')) continue;
      // The registration names its business (its metadata names the business of whoever ran the
      // command); app ids are unique across businesses, so a removal needs no business.
      if (event.type === 'OidcAppRegistered' && event.data.businessId === businessId)
        apps.set(event.data.appId, {
          appId: event.data.appId,
          name: event.data.name,
          registeredAt: event.metadata.at,
          registeredBy: event.metadata.actor,
        });
      else if (event.type === 'OidcAppRemoved') apps.delete(event.data.appId);
    }
  }
  const latest = new Map<string, AppAccessAsOf['lastSignIns'][number]>();
  for (const stored of await store.readStream(sessionStream(businessId, state.clientId))) {
    const event = decodeEvent(stored);
    if (event?.type !== 'ClientSignedInToApp' || !before(event.metadata.at)) continue;
    const { appId, appName, method } = event.data;
    latest.delete(appId);
    latest.set(appId, { appId, appName, method, at: event.metadata.at });
  }
  return {
    apps: [...apps.values()].sort((a, b) => a.name.localeCompare(b.name) || a.appId.localeCompare(b.appId)),
    signInWith: credentialForApps(state),
    lastSignIns: [...latest.values()],
  };
}

/** The provider finds no account for a client archived or inactive in the directory, whatever her login. */
function credentialForApps(state: StateAsOf): AppCredentialAsOf {
  if (state.client.status !== 'registered' || !state.client.details.active) return 'not a client';
  if (state.credential.status === 'none') return 'none';
  if (state.credential.status === 'disabled') return 'disabled';
  const ways = new Set(state.couldSignInWith.map((way) => way.what));
  if (ways.has('permanent_password') && ways.has('temporary_password')) return 'password or temporary password';
  if (ways.has('permanent_password')) return 'password';
  if (ways.has('temporary_password')) return 'temporary password';
  return 'none';
}
