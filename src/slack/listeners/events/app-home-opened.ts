import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { homeView } from '../../blocks/home.ts';
import { clientName } from '../../client-summary.ts';
import { countLoginStatuses } from '../../home-stats.ts';
import type { SlackServices } from '../../services.ts';

const recentLimit = 15;

/** Publishes the Home tab each time a staff member opens it, so the counts are always current. */
export function appHomeOpened({ deps, settings }: SlackServices) {
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
      view: homeView({ command: settings.command, counts: countLoginStatuses(deps), recent, unfinished }),
    });
  };
}
