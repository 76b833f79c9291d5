import { describe, it } from 'vitest';
import {
  decideSlackTeam,
  evolveSlackTeam,
  initialSlackTeamState,
  type SlackInstallationEvent,
  type SlackTeamCommand,
} from '../../src/domain/slack-installation.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec({ initialState: initialSlackTeamState, evolve: evolveSlackTeam, decide: decideSlackTeam });

const install = (businessId: string): Extract<SlackTeamCommand, { type: 'InstallSlack' }> => ({
  type: 'InstallSlack',
  businessId,
  teamId: 'T0HAPPY',
  teamName: 'Paws HQ',
  botUserId: 'U0BOT',
  scopes: ['commands'],
  installedBy: 'U0OWNER',
});
const installed = (businessId: string): SlackInstallationEvent => {
  const { type: _type, ...data } = install(businessId);
  return { type: 'SlackInstalled', data };
};
const uninstalled: SlackInstallationEvent = {
  type: 'SlackUninstalled',
  data: { businessId: 'happypaws', teamId: 'T0HAPPY', reason: 'app_uninstalled' },
};

describe('a workspace nobody installed', () => {
  it('is installed for the business that asks', () =>
    spec
      .given()
      .when(install('happypaws'))
      .then([installed('happypaws')]));
  it('records no uninstall', () =>
    spec.given().when({ type: 'UninstallSlack', teamId: 'T0HAPPY', reason: 'tokens_revoked' }).then([]));
});

describe('a workspace installed for a business', () => {
  it('can be installed again for the same business (new scopes, new installer)', () =>
    spec
      .given(installed('happypaws'))
      .when(install('happypaws'))
      .then([installed('happypaws')]));
  it('is refused to a second business', () =>
    spec
      .given(installed('happypaws'))
      .when(install('waggingtails'))
      .thenError('team_taken', /happypaws/));
  it('records its uninstall, naming the business it was installed for', () =>
    spec
      .given(installed('happypaws'))
      .when({ type: 'UninstallSlack', teamId: 'T0HAPPY', reason: 'app_uninstalled' })
      .then([uninstalled]));
});

describe('a workspace uninstalled', () => {
  it('may be installed by another business', () =>
    spec
      .given(installed('happypaws'), uninstalled)
      .when(install('waggingtails'))
      .then([installed('waggingtails')]));
});
