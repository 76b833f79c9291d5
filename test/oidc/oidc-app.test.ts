import { describe, expect, it } from 'vitest';
import {
  decideOidcApp,
  evolveOidcApp,
  initialOidcAppState,
  oidcAppStream,
  redirectUriProblem,
  type OidcAppCommand,
  type OidcAppEvent,
} from '../../src/domain/oidc-app.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec<OidcAppCommand, OidcAppEvent, ReturnType<typeof evolveOidcApp>>({
  initialState: initialOidcAppState,
  evolve: evolveOidcApp,
  decide: decideOidcApp,
});

const app = {
  businessId: 'default',
  appId: 'app-1',
  name: 'Portal',
  redirectUris: ['https://portal.example/callback'],
  postLogoutRedirectUris: ['https://portal.example/'],
  backchannelLogoutUri: 'https://portal.example/backchannel',
};
const registered: OidcAppEvent = { type: 'OidcAppRegistered', data: { ...app, secretHash: 'h1', firstParty: true } };

describe('apps (relying parties)', () => {
  it('registering records the secret hash and marks the app first party', () =>
    spec
      .given()
      .when({ type: 'RegisterOidcApp', ...app, secretHash: 'h1' })
      .then([registered]));
  it('an app id cannot be registered twice', () =>
    spec
      .given(registered)
      .when({ type: 'RegisterOidcApp', ...app, secretHash: 'h2' })
      .thenError('app_exists'));
  it('an app without a redirect URI is refused', () =>
    spec
      .given()
      .when({ type: 'RegisterOidcApp', ...app, redirectUris: [], secretHash: 'h1' })
      .thenError('bad_app', /redirect-uri/));
  it('a bad post-logout URI is refused too', () =>
    spec
      .given()
      .when({ type: 'RegisterOidcApp', ...app, postLogoutRedirectUris: ['http://portal.example/'], secretHash: 'h' })
      .thenError('bad_app', /https/));
  it('rotating records the new hash', () =>
    spec
      .given(registered)
      .when({ type: 'RotateOidcAppSecret', secretHash: 'h2' })
      .then([{ type: 'OidcAppSecretRotated', data: { appId: 'app-1', secretHash: 'h2' } }]));
  it('a removed app cannot be rotated, and removing it again records nothing', () => {
    const removed: OidcAppEvent = { type: 'OidcAppRemoved', data: { appId: 'app-1' } };
    spec.given(registered, removed).when({ type: 'RotateOidcAppSecret', secretHash: 'h2' }).thenError('unknown_app');
    spec.given(registered, removed).when({ type: 'RemoveOidcApp' }).then([]);
    spec.given().when({ type: 'RemoveOidcApp' }).thenError('unknown_app');
  });
  it('streams of other businesses are prefixed with the business id', () => {
    expect(oidcAppStream('default', 'app-1')).toBe('oidc-app-app-1');
    expect(oidcAppStream('happypaws', 'app-1')).toBe('happypaws/oidc-app-app-1');
  });
});

describe('redirect URIs', () => {
  it.each(['https://portal.example/callback', 'http://localhost:4000/cb', 'http://127.0.0.1/cb', 'http://[::1]:8/cb'])(
    'accepts %s',
    (uri) => expect(redirectUriProblem(uri)).toBeNull(),
  );
  it.each([
    ['portal.example/callback', /absolute/],
    ['http://portal.example/callback', /https/],
    ['https://portal.example/callback#x', /fragment/],
    ['https://*.portal.example/callback', /wildcard/],
    ['https://user:pw@portal.example/cb', /user name/],
    ['javascript:alert(1)', /https/],
  ])('refuses %s', (uri, reason) => expect(redirectUriProblem(uri)).toMatch(reason));
});
