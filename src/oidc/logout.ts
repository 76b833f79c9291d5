import type Provider from 'oidc-provider';
import type { Logger } from '../logger.ts';
import type { OidcStore } from './sqlite-adapter.ts';

/** One app a client is signed in to, as the account page lists it. */
export interface SignedInApp {
  readonly appId: string;
  readonly name: string;
  /** When the client last signed in to it (the newest of its grants). */
  readonly signedInAt: Date;
}

/**
 * Ends a business's provider sessions, or one app's part of them, outside a request to the
 * provider: each app concerned that registered a back-channel logout URI gets a logout token (for
 * the session's `sid`), its grant is revoked (and so its codes, access and refresh tokens), and a
 * session left with no app (or ended whole) is destroyed. A portal that fails or cannot be reached
 * is logged (its app id and the error, never a token) and never stops the logout.
 */
export interface ProviderLogout {
  /** Every provider session of the account signed in at or before `signedInBy` (all of them when absent). */
  endAccountSessions(accountId: string, signedInBy?: Date): Promise<number>;
  /** The provider session whose id this browser's session cookie holds, if it is the account's. */
  endBrowserSession(sessionId: string, accountId: string): Promise<boolean>;
  /** The apps the account is signed in to, in any of its provider sessions. */
  signedInApps(accountId: string): Promise<SignedInApp[]>;
  /** Ends one app's part of every provider session of the account; false when it had none. */
  signOutOfApp(accountId: string, appId: string): Promise<boolean>;
  /** A logout token an app did not take (it failed or could not be reached): kept, and sent again later. */
  rememberFailedLogout(appId: string, accountId: string, sid: string): Promise<void>;
  /** Sends again every remembered logout token that is due; resolves to how many apps took theirs. */
  retryFailedLogouts(now?: Date): Promise<number>;
}

/** Where logout tokens an app did not take wait for their next try, among the provider's rows. */
export const pendingLogoutModel = 'LatchkeyPendingLogout';
/** How long a failed logout is tried again: past a day, a portal's own session has most likely ended. */
const pendingLogoutLifetimeSeconds = 24 * 3600;

/** The wait before the next try: a minute, doubling with each failure, at most an hour. */
export function nextLogoutTryMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

interface PendingLogout {
  readonly key: string;
  readonly appId: string;
  readonly accountId: string;
  readonly sid: string;
  readonly attempts: number;
  /** Milliseconds since the epoch. */
  readonly nextTryAt: number;
  readonly firstFailedAt: number;
}

type ProviderSession = InstanceType<Provider['Session']>;
/** oidc-provider's client has this method; its type declarations leave it out. */
type LoggingOutClient = { backchannelLogout(sub: string, sid: string): Promise<void> };

/** A stored notice read back; a row of another shape (none is written) is passed over. */
function pendingLogoutOf(payload: Record<string, unknown>): PendingLogout[] {
  const { key, appId, accountId, sid, attempts, nextTryAt, firstFailedAt } = payload;
  if (
    typeof key === 'string' &&
    typeof appId === 'string' &&
    typeof accountId === 'string' &&
    typeof sid === 'string' &&
    typeof attempts === 'number' &&
    typeof nextTryAt === 'number' &&
    typeof firstFailedAt === 'number'
  )
    return [{ key, appId, accountId, sid, attempts, nextTryAt, firstFailedAt }];
  return [];
}

export function providerLogout(
  provider: Provider,
  store: OidcStore,
  businessId: string,
  logger?: Logger,
): ProviderLogout {
  const sessionsOf = async (accountId: string): Promise<ProviderSession[]> => {
    const payloads = await store.sessionsOfAccount(businessId, accountId);
    const found = await Promise.all(
      payloads.map((payload) =>
        typeof payload.jti === 'string' ? provider.Session.find<ProviderSession>(payload.jti) : undefined,
      ),
    );
    return found.filter((session): session is ProviderSession => session?.accountId === accountId);
  };

  /** Sends the app its logout token; false (logged, never thrown) when it did not take it. */
  async function tellApp(appId: string, accountId: string, sid: string): Promise<boolean> {
    try {
      const client = await provider.Client.find(appId);
      // An app removed since, or one that no longer takes back-channel logout: nothing to tell.
      if (!client?.backchannelLogoutUri) return true;
      // Vendor seam: @types/oidc-provider does not declare the client's backchannelLogout.
      await (client as unknown as LoggingOutClient).backchannelLogout(accountId, sid);
      return true;
    } catch (error) {
      logger?.warn(
        { businessId, appId, error: error instanceof Error ? error.message : String(error) },
        'an app did not take its back-channel logout; it is sent again later, and the client is logged out of it all the same',
      );
      return false;
    }
  }

  const pending = new (store.adapterFor(businessId))(pendingLogoutModel);
  async function remember(notice: Omit<PendingLogout, 'key' | 'nextTryAt'>): Promise<void> {
    const key = `${notice.appId} ${notice.sid}`;
    const nextTryAt = Date.now() + nextLogoutTryMs(notice.attempts);
    const left = Math.ceil((notice.firstFailedAt + pendingLogoutLifetimeSeconds * 1000 - Date.now()) / 1000);
    if (left <= 0) return void (await pending.destroy(key));
    await pending.upsert(key, { ...notice, key, nextTryAt }, left);
  }

  const rememberFailedLogout = (appId: string, accountId: string, sid: string) =>
    remember({ appId, accountId, sid, attempts: 1, firstFailedAt: Date.now() });

  async function endApp(session: ProviderSession, appId: string): Promise<void> {
    const accountId = session.accountId!;
    const sid = session.sidFor(appId);
    if (sid && !(await tellApp(appId, accountId, sid))) await rememberFailedLogout(appId, accountId, sid);
    const grantId = session.grantIdFor(appId);
    if (grantId) {
      await Promise.all([
        provider.AccessToken.revokeByGrantId(grantId),
        provider.RefreshToken.revokeByGrantId(grantId),
        provider.AuthorizationCode.revokeByGrantId(grantId),
        provider.Grant.adapter.destroy(grantId),
      ]);
    }
  }

  async function endWhole(session: ProviderSession): Promise<void> {
    await Promise.all(Object.keys(session.authorizations ?? {}).map((appId) => endApp(session, appId)));
    await session.destroy();
  }

  return {
    async endAccountSessions(accountId, signedInBy) {
      const cutoff = signedInBy ? Math.floor(signedInBy.getTime() / 1000) : Infinity;
      const ending = (await sessionsOf(accountId)).filter((session) => (session.loginTs ?? 0) <= cutoff);
      await Promise.all(ending.map(endWhole));
      return ending.length;
    },
    async endBrowserSession(sessionId, accountId) {
      const session = await provider.Session.find<ProviderSession>(sessionId);
      if (session?.accountId !== accountId) return false;
      await endWhole(session);
      return true;
    },
    async signedInApps(accountId) {
      const latest = new Map<string, number>();
      for (const session of await sessionsOf(accountId)) {
        for (const [appId, { grantId }] of Object.entries(session.authorizations ?? {})) {
          const grant = grantId ? await provider.Grant.find<InstanceType<Provider['Grant']>>(grantId) : undefined;
          const at = grant?.iat ?? session.loginTs ?? 0;
          latest.set(appId, Math.max(latest.get(appId) ?? 0, at));
        }
      }
      const apps: SignedInApp[] = [];
      for (const [appId, at] of latest) {
        const client = await provider.Client.find(appId).catch(() => undefined);
        if (client) apps.push({ appId, name: client.clientName ?? appId, signedInAt: new Date(at * 1000) });
      }
      return apps.sort((a, b) => b.signedInAt.getTime() - a.signedInAt.getTime());
    },
    async signOutOfApp(accountId, appId) {
      const sessions = (await sessionsOf(accountId)).filter((session) => session.authorizations?.[appId]);
      for (const session of sessions) {
        await endApp(session, appId);
        // The provider session itself stays: the client is still signed in to her other apps.
        delete session.authorizations![appId];
        await session.persist();
      }
      return sessions.length > 0;
    },
    rememberFailedLogout: (appId, accountId, sid) =>
      remember({ appId, accountId, sid, attempts: 1, firstFailedAt: Date.now() }),
    async retryFailedLogouts(now = new Date()) {
      let taken = 0;
      const notices = (await store.payloadsOfModel(businessId, pendingLogoutModel)).flatMap(pendingLogoutOf);
      for (const notice of notices) {
        if (notice.nextTryAt > now.getTime()) continue;
        if (await tellApp(notice.appId, notice.accountId, notice.sid)) {
          await pending.destroy(notice.key);
          taken += 1;
        } else await remember({ ...notice, attempts: notice.attempts + 1 });
      }
      return taken;
    },
  };
}
