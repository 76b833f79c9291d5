import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { emailAlertMenuBlocks, provisionMenuBlocks } from '../../blocks/bulk.ts';
import { searchResultBlocks } from '../../blocks/client-card.ts';
import { escapeText } from '../../blocks/kit.ts';
import { helpBlocks } from '../../blocks/messages.ts';
import { searchClientSummaries } from '../../client-summary.ts';
import { emailAlertGroupChoices } from '../../email-alert-groups.ts';
import type { SlackServices } from '../../services.ts';

const cardLimit = 10;

/** `/clients <part of a name>`, `provision-all`, `alerts`, `help`: every answer is visible only to the staff member who asked. */
export function clientsCommand({ deps, timeZone }: SlackServices) {
  return async function clientsCommandListener({
    command,
    ack,
  }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const text = command.text.trim();
    const word = text.toLowerCase();
    if (text === '' || word === 'help') {
      return ack({
        response_type: 'ephemeral',
        text: `How to use ${command.command}`,
        blocks: helpBlocks(command.command),
      });
    }
    if (word === 'provision-all') {
      const waiting = deps.readModels.credentials
        .listClientsWithoutLogin()
        .filter((client) => client.email !== null).length;
      const unfinished = deps.readModels.batches.unfinishedBatches('provision')[0] ?? null;
      return ack({
        response_type: 'ephemeral',
        text: 'Provision everyone',
        blocks: provisionMenuBlocks({ waiting, unfinished }),
      });
    }
    if (word === 'alerts') {
      const unfinished = deps.readModels.batches.unfinishedBatches('email_alert')[0] ?? null;
      return ack({
        response_type: 'ephemeral',
        text: 'Email Alerts',
        blocks: emailAlertMenuBlocks({ groups: emailAlertGroupChoices(deps), unfinished }),
      });
    }
    const summaries = searchClientSummaries(deps, text, cardLimit + 1);
    await ack({
      response_type: 'ephemeral',
      text: `Clients matching ${escapeText(text)}`,
      blocks: searchResultBlocks(text, summaries.slice(0, cardLimit), summaries.length > cardLimit, timeZone),
    });
  };
}
