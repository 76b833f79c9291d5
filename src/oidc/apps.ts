import { randomBytes } from 'node:crypto';
import { commandContext, waitUntilReadable, type AppDeps, type Requester } from '../app/deps.ts';
import { handleCommand, type Decider } from '../app/handle-command.ts';
import { isEventOfStream } from '../domain/events.ts';
import {
  decideOidcApp,
  evolveOidcApp,
  initialOidcAppState,
  oidcAppStream,
  type NewOidcApp,
  type OidcAppCommand,
  type OidcAppEvent,
  type OidcAppState,
} from '../domain/oidc-app.ts';
import { ok, reject, type Rejection, type Result } from '../domain/result.ts';
import type { OidcAppView } from '../projections/oidc-apps.ts';

export const oidcAppDecider: Decider<OidcAppCommand, OidcAppEvent, OidcAppState> = {
  initialState: initialOidcAppState,
  accepts: (event) => isEventOfStream(event, 'oidc-app'),
  evolve: (state, event) => evolveOidcApp(state, event),
  decide: decideOidcApp,
};

/** A client secret as minted: shown to staff once, only its hash recorded. */
export interface AppWithSecret {
  readonly app: OidcAppView;
  readonly clientSecret: string;
}

const mintClientSecret = (): string => randomBytes(32).toString('base64url');
const newAppId = (): string => `app-${randomBytes(9).toString('base64url').replaceAll(/[-_]/g, 'x')}`;

export async function registerOidcApp(
  deps: AppDeps,
  input: Omit<NewOidcApp, 'appId'>,
  requester: Requester,
): Promise<Result<AppWithSecret, Rejection>> {
  const appId = newAppId();
  const clientSecret = mintClientSecret();
  const registered = await handleCommand(
    deps.store,
    oidcAppDecider,
    oidcAppStream(input.businessId, appId),
    { type: 'RegisterOidcApp', ...input, appId, secretHash: deps.secrets.hashSecret(clientSecret) },
    commandContext(deps, requester),
  );
  if (!registered.ok) return registered;
  await waitUntilReadable(deps, registered.value.position);
  return ok({ app: deps.readModels.oidcApps.getApp(input.businessId, appId)!, clientSecret });
}

export async function rotateOidcAppSecret(
  deps: AppDeps,
  businessId: string,
  appId: string,
  requester: Requester,
): Promise<Result<AppWithSecret, Rejection>> {
  if (!deps.readModels.oidcApps.getApp(businessId, appId)) return reject('unknown_app', `There is no app ${appId}.`);
  const clientSecret = mintClientSecret();
  const rotated = await handleCommand(
    deps.store,
    oidcAppDecider,
    oidcAppStream(businessId, appId),
    { type: 'RotateOidcAppSecret', secretHash: deps.secrets.hashSecret(clientSecret) },
    commandContext(deps, requester),
  );
  if (!rotated.ok) return rotated;
  await waitUntilReadable(deps, rotated.value.position);
  return ok({ app: deps.readModels.oidcApps.getApp(businessId, appId)!, clientSecret });
}

export async function removeOidcApp(
  deps: AppDeps,
  businessId: string,
  appId: string,
  requester: Requester,
): Promise<Result<null, Rejection>> {
  if (!deps.readModels.oidcApps.getApp(businessId, appId)) return reject('unknown_app', `There is no app ${appId}.`);
  const removed = await handleCommand(
    deps.store,
    oidcAppDecider,
    oidcAppStream(businessId, appId),
    { type: 'RemoveOidcApp' },
    commandContext(deps, requester),
  );
  if (!removed.ok) return removed;
  await waitUntilReadable(deps, removed.value.position);
  return ok(null);
}

/** Checks a presented client secret against the recorded hash, in constant time. */
export function verifyOidcAppSecret(deps: AppDeps, businessId: string, appId: string, secret: string): boolean {
  const hash = deps.readModels.oidcApps.secretHashOf(businessId, appId);
  return hash !== null && deps.secrets.verifySecret(secret, hash);
}
