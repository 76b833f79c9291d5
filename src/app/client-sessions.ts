import { sessionStream, type AppSignInMethod, type DeviceFamily, type SessionEvent } from '../domain/session.ts';
import type { ClientSessionView } from '../projections/client-sessions.ts';
import { runCredentialCommand } from './credential-decider.ts';
import { commandContext, waitUntilReadable, type AppDeps } from './deps.ts';
import { recordEvent } from './record-event.ts';

/** The one name a session has outside its token: a keyed fingerprint of its id ("log out" records the same). */
export function sessionFingerprintOf(deps: Pick<AppDeps, 'secrets'>, sessionId: string): string {
  return deps.secrets.fingerprint(`session:${sessionId}`);
}

export async function recordSessionStarted(
  deps: AppDeps,
  input: { clientId: string; sessionId: string; expiresAt: string; keptSignedIn: boolean; family: DeviceFamily },
): Promise<void> {
  const { clientId, expiresAt, keptSignedIn, family } = input;
  const sessionFingerprint = sessionFingerprintOf(deps, input.sessionId);
  await recordSessionEvent(deps, clientId, {
    type: 'SessionStarted',
    data: { clientId, sessionFingerprint, expiresAt, keptSignedIn, browser: family.browser, os: family.os },
  });
}

export async function recordSessionSeen(deps: AppDeps, input: { clientId: string; sessionId: string }): Promise<void> {
  const sessionFingerprint = sessionFingerprintOf(deps, input.sessionId);
  await recordSessionEvent(deps, input.clientId, {
    type: 'SessionSeen',
    data: { clientId: input.clientId, sessionFingerprint },
  });
}

/**
 * A sign-in to one of the business's apps, recorded before the provider sends the browser on to
 * the app: it throws when the store cannot take it, and the caller then stops the sign-in.
 */
export async function recordAppSignIn(
  deps: AppDeps,
  input: { clientId: string; appId: string; method: AppSignInMethod },
): Promise<void> {
  const { clientId, appId, method } = input;
  const appName = deps.readModels.oidcApps.getApp(deps.businessId, appId)?.name ?? null;
  await recordSessionEvent(deps, clientId, { type: 'ClientSignedInToApp', data: { clientId, appId, appName, method } });
}

/** When the session was last recorded as used, or null when it was never recorded. */
export function sessionLastSeenAt(deps: Pick<AppDeps, 'secrets' | 'readModels'>, clientId: string, sessionId: string) {
  return deps.readModels.sessions.getSession(clientId, sessionFingerprintOf(deps, sessionId))?.lastSeenAt ?? null;
}

/**
 * The client's sessions still open at `now`: not ended, not expired, and (for those not kept
 * signed in) used within the idle timeout.
 */
export function listActiveSessions(deps: AppDeps, clientId: string, idleTimeoutSeconds: number | null) {
  const now = deps.clock.now();
  return deps.readModels.sessions
    .listSessions(clientId, now.toISOString())
    .filter(
      (session: ClientSessionView) =>
        idleTimeoutSeconds === null ||
        session.keptSignedIn ||
        now.getTime() - Date.parse(session.lastSeenAt) <= idleTimeoutSeconds * 1000,
    );
}

/**
 * "Log out" of one of the client's sessions from the account page, by the fingerprint the list
 * shows. A fingerprint that is not one of this client's open sessions ends nothing.
 */
export async function endListedSession(
  deps: AppDeps,
  input: { clientId: string; sessionFingerprint: string },
): Promise<boolean> {
  const session = deps.readModels.sessions.getSession(input.clientId, input.sessionFingerprint);
  if (!session) return false;
  const handled = await runCredentialCommand(
    deps,
    input.clientId,
    { type: 'EndSession', sessionFingerprint: session.sessionFingerprint, expiresAt: session.expiresAt },
    { actor: { kind: 'client', id: input.clientId } },
  );
  if (!handled.ok) return false;
  await waitUntilReadable(deps, handled.value.position);
  return true;
}

async function recordSessionEvent(deps: AppDeps, clientId: string, event: SessionEvent): Promise<void> {
  const context = commandContext(deps, { actor: { kind: 'client', id: clientId } });
  const appended = await recordEvent(deps.store, sessionStream(deps.businessId, clientId), event, context, 'any');
  await waitUntilReadable(deps, appended.position);
}
