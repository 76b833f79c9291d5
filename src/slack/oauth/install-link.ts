import type { App as LatchkeyApp } from '../../app/context.ts';
import { defaultBusinessSettings, findBusiness } from '../../app/businesses.ts';
import { ok, reject, type Rejection, type Result } from '../../domain/result.ts';
import { installStateTtlMs } from './install-state.ts';
import { openDeploymentInstallStates } from './setup.ts';

export interface InstallLink {
  readonly url: string;
  readonly expiresAt: Date;
}

/**
 * The address that installs the deployment's Slack app into a business's workspace: the install
 * page on the deployment's public origin, with a state bound to the business that expires in
 * 30 minutes and works once. Nothing is recorded until Slack sends the installer back.
 */
export async function makeSlackInstallLink(
  app: LatchkeyApp,
  businessId: string,
): Promise<Result<InstallLink, Rejection>> {
  const oauth = app.config.slack?.oauth;
  if (!oauth)
    return reject(
      'oauth_off',
      'Slack OAuth is off: set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET (see docs/slack.md).',
    );
  const business = findBusiness(app.deps, businessId, defaultBusinessSettings(app.config));
  if (!business) return reject('unknown_business', `There is no business ${businessId}.`);
  if (business.suspended) return reject('business_suspended', `${businessId} is suspended; reinstate it first.`);
  const now = app.deps.clock.now();
  const states = openDeploymentInstallStates(app.config.dataDir, oauth);
  try {
    const state = await states.generateStateParam({ scopes: [], metadata: businessId }, now);
    const url = new URL('/slack/install', app.config.publicOrigin);
    url.searchParams.set('state', state);
    return ok({ url: url.toString(), expiresAt: new Date(now.getTime() + installStateTtlMs) });
  } finally {
    states.close();
  }
}
