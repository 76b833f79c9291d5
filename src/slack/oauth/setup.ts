import { join } from 'node:path';
import type { Hono } from 'hono';
import type { App as LatchkeyApp } from '../../app/context.ts';
import { defaultBusinessSettings, findBusiness } from '../../app/businesses.ts';
import { loadServerSecret } from '../../app/pepper.ts';
import type { SlackOAuthConfig } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { openInstallStates, type InstallStates } from './install-state.ts';
import { openSlackInstallations, type SlackInstallations } from './installation-store.ts';
import { slackInstallRoutes } from './routes.ts';

/** Installations and used install states share one small SQLite file in the data folder (not the log, not the read models). */
export const slackInstallationsFile = (dataDir: string): string => join(dataDir, 'slack-installations.sqlite');

/** The install states of this deployment, signed with SLACK_STATE_SECRET or the generated `slack-state-key`. */
export function openDeploymentInstallStates(dataDir: string, oauth: SlackOAuthConfig): InstallStates {
  return openInstallStates({
    secret: loadServerSecret(oauth.stateSecret, dataDir, 'slack-state-key'),
    file: slackInstallationsFile(dataDir),
  });
}

export interface SlackOAuth {
  readonly installations: SlackInstallations;
  readonly routes: Hono;
  close(): void;
}

/** OAuth mode's parts: the encrypted installation store, the install states, and the install pages. */
export function openSlackOAuth(
  app: LatchkeyApp,
  oauth: SlackOAuthConfig,
  apiUrl: string | null,
  logger: Logger,
): SlackOAuth {
  const dataDir = app.config.dataDir;
  const installations = openSlackInstallations(
    slackInstallationsFile(dataDir),
    loadServerSecret(oauth.tokenKey, dataDir, 'slack-token-key'),
  );
  const states = openDeploymentInstallStates(dataDir, oauth);
  const routes = slackInstallRoutes({
    deps: app.deps,
    oauth,
    publicOrigin: app.config.publicOrigin,
    apiUrl,
    states,
    installations,
    describeBusiness: (businessId) => {
      const business = findBusiness(app.deps, businessId, defaultBusinessSettings(app.config));
      return business ? { name: business.settings.name, suspended: business.suspended } : null;
    },
    logger,
  });
  return {
    installations,
    routes,
    close() {
      states.close();
      installations.close();
    },
  };
}
