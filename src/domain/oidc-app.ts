import { defaultBusinessId } from './business.ts';
import { ok, reject, type Rejection, type Result } from './result.ts';

/**
 * An app (an OpenID Connect relying party: the business's portal) that staff registered. Only the
 * hash of its client secret is ever recorded; the secret itself is shown once, when it is minted.
 */
export type OidcAppEvent =
  | {
      readonly type: 'OidcAppRegistered';
      readonly data: {
        readonly businessId: string;
        readonly appId: string;
        readonly name: string;
        readonly redirectUris: readonly string[];
        readonly postLogoutRedirectUris: readonly string[];
        readonly backchannelLogoutUri: string | null;
        readonly secretHash: string;
        readonly firstParty: true;
      };
    }
  | { readonly type: 'OidcAppSecretRotated'; readonly data: { readonly appId: string; readonly secretHash: string } }
  | { readonly type: 'OidcAppRemoved'; readonly data: { readonly appId: string } };

export type OidcAppState =
  { readonly status: 'unknown' } | { readonly status: 'registered' | 'removed'; readonly appId: string };

export interface NewOidcApp {
  readonly businessId: string;
  readonly appId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly backchannelLogoutUri: string | null;
}

export type OidcAppCommand =
  | ({ readonly type: 'RegisterOidcApp'; readonly secretHash: string } & NewOidcApp)
  | { readonly type: 'RotateOidcAppSecret'; readonly secretHash: string }
  | { readonly type: 'RemoveOidcApp' };

/** The default business keeps unprefixed stream names; every other business's streams start with its id. */
export const oidcAppStream = (businessId: string, appId: string): string =>
  businessId === defaultBusinessId ? `oidc-app-${appId}` : `${businessId}/oidc-app-${appId}`;

export const initialOidcAppState: OidcAppState = { status: 'unknown' };

export function evolveOidcApp(state: OidcAppState, event: OidcAppEvent): OidcAppState {
  switch (event.type) {
    case 'OidcAppRegistered':
      return { status: 'registered', appId: event.data.appId };
    case 'OidcAppSecretRotated':
      return state;
    case 'OidcAppRemoved':
      return state.status === 'unknown' ? state : { ...state, status: 'removed' };
  }
}

export function decideOidcApp(command: OidcAppCommand, state: OidcAppState): Result<OidcAppEvent[], Rejection> {
  switch (command.type) {
    case 'RegisterOidcApp': {
      if (state.status !== 'unknown') return reject('app_exists', `There is already an app ${command.appId}.`);
      const { type: _type, ...data } = command;
      const checked = validateOidcApp(data);
      if (!checked.ok) return checked;
      return ok([{ type: 'OidcAppRegistered', data: { ...data, firstParty: true } }]);
    }
    case 'RotateOidcAppSecret':
      if (state.status !== 'registered') return reject('unknown_app', 'There is no such app.');
      return ok([{ type: 'OidcAppSecretRotated', data: { appId: state.appId, secretHash: command.secretHash } }]);
    case 'RemoveOidcApp':
      if (state.status === 'unknown') return reject('unknown_app', 'There is no such app.');
      return state.status === 'removed' ? ok([]) : ok([{ type: 'OidcAppRemoved', data: { appId: state.appId } }]);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export function validateOidcApp(app: NewOidcApp): Result<NewOidcApp, Rejection<'bad_app'>> {
  const name = app.name.trim();
  if (name.length === 0 || name.length > 100)
    return reject('bad_app', 'Give the app a name of at most 100 characters.');
  if (app.redirectUris.length === 0) return reject('bad_app', 'Give the app at least one --redirect-uri.');
  const uris = [
    ...app.redirectUris,
    ...app.postLogoutRedirectUris,
    ...(app.backchannelLogoutUri ? [app.backchannelLogoutUri] : []),
  ];
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return reject('bad_app', `${uri} cannot be used: ${problem}.`);
  }
  return ok({ ...app, name });
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Redirect URIs are matched exactly, so each must be a complete address: https (http only on this
 * machine, for development), no fragment, no wildcard, no user name or password in it.
 */
export function redirectUriProblem(uri: string): string | null {
  if (uri.includes('*')) return 'wildcards are not allowed; list every address exactly';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'it is not an absolute address (like https://portal.example/callback)';
  }
  if (url.hash !== '' || uri.includes('#')) return 'it may not have a fragment (#…)';
  if (url.username !== '' || url.password !== '') return 'it may not carry a user name or password';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && (loopbackHosts.has(url.hostname) || url.hostname.endsWith('.localhost'))) return null;
  return 'use https (http only on localhost)';
}
