import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../../app/deps.ts';
import { homeView, type HomeAttention } from '../../blocks/home.ts';
import { clientName } from '../../client-summary.ts';
import { countLoginStatuses } from '../../home-stats.ts';
import type { SlackServices } from '../../services.ts';

const recentLimit = 15;
const attentionLimit = 8;

/** Who needs staff now: the latest bounced emails and passwords burned by a failed attempt. */
function needingAttention(deps: Pick<AppDeps, 'readModels'>) {
  const credentials = deps.readModels.credentials.listCredentials();
  const attention = (clientId: string, at: string | null): HomeAttention[] => {
    const client = deps.readModels.clients.getClient(clientId);
    return client && !client.archived ? [{ clientId, clientName: clientName(client), email: client.email, at }] : [];
  };
  const newestFirst = (a: HomeAttention, b: HomeAttention) => (b.at ?? '').localeCompare(a.at ?? '');
  return {
    bounced: credentials
      .filter((login) => login.lastEmailState === 'bounced')
      .flatMap((login) => attention(login.clientId, login.lastEmailAt))
      .sort(newestFirst)
      .slice(0, attentionLimit),
    burned: credentials
      .filter((login) => !login.disabled && !login.hasPassword && login.tempOutcome === 'burned_failed_attempt')
      .flatMap((login) => attention(login.clientId, login.tempOutcomeAt))
      .sort(newestFirst)
      .slice(0, attentionLimit),
  };
}

/** Publishes the Home tab each time a staff member opens it, so the counts are always current. */
export function appHomeOpened({ deps, settings, timeZone }: SlackServices) {
  return async function appHomeOpenedListener({
    event,
    client,
  }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> {
    if (event.tab !== 'home') return;
    const recent = deps.readModels.timeline.recentActivity(recentLimit).map((entry) => {
      const found = deps.readModels.clients.getClient(entry.clientId);
      return { ...entry, clientName: found ? clientName(found) : entry.clientId };
    });
    const unfinished = [
      ...deps.readModels.batches.unfinishedBatches('provision'),
      ...deps.readModels.batches.unfinishedBatches('email_alert'),
    ];
    await client.views.publish({
      user_id: event.user,
      view: homeView({
        command: settings.command,
        timeZone,
        counts: countLoginStatuses(deps),
        recent,
        unfinished,
        ...needingAttention(deps),
      }),
    });
  };
}
