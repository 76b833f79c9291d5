import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { savedModal } from '../../blocks/email-editor.ts';
import { escapeText } from '../../blocks/kit.ts';
import { clientName } from '../../client-summary.ts';
import { pickerBlocks } from '../../ids.ts';
import { postProgressMessage } from '../../progress-message.ts';
import { describeSlackRequester, staffActor } from '../../requester.ts';
import type { SlackServices } from '../../services.ts';
import { freshTally } from '../actions/bulk-run.ts';
import { offerResend, runEmailAlert } from '../actions/start-email-alert.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Ids or emails, in any separator staff paste them with. */
const tokensOf = (text: string): string[] => [...new Set(text.split(/[\s,;]+/).filter(Boolean))];

/**
 * Email Alerts to named clients. Every name must resolve to exactly one client (an id, or an
 * email only one client has) or the form says which did not and nothing is sent. Named clients
 * are emailed even when inactive in the directory: picking them is the choice. Those sent
 * credentials within the resend cooldown are left out and offered "Send anyway", as from the menu.
 */
export function emailAlertPicked(services: SlackServices) {
  const { deps, settings, bulkRuns, logger } = services;
  return async function emailAlertPickedListener({ ack, body, view, client }: ViewArgs): Promise<void> {
    const requester = describeSlackRequester(body);
    const tokens = tokensOf(view.state.values[pickerBlocks.clientIds]?.[pickerBlocks.clientIds]?.value ?? '');
    const error = (message: string) =>
      ack({ response_action: 'errors', errors: { [pickerBlocks.clientIds]: message } });
    if (!requester) return error('This form could not be read. Close it and try again.');
    if (tokens.length === 0) return error('Name at least one client, by id or email.');
    const clientIds: string[] = [];
    const unresolved: string[] = [];
    for (const token of tokens) {
      const byId = deps.readModels.clients.getClient(token);
      const byEmail = byId ? [] : deps.readModels.clients.findClientsByEmail(token);
      const found = byId ?? (byEmail.length === 1 ? byEmail[0]! : null);
      if (found && !found.archived) clientIds.push(found.clientId);
      else unresolved.push(byEmail.length > 1 ? `${token} (shared by ${byEmail.length} clients: use ids)` : token);
    }
    if (unresolved.length > 0)
      return error(`No single client matches ${unresolved.join(', ')}. Nothing was sent.`.slice(0, 2000));
    const channel = parseChannel(view.private_metadata) ?? settings.staffChannelId;
    if (!channel)
      return error(
        'There is no channel for the progress message: set SLACK_STAFF_CHANNEL_ID, or start this from a channel.',
      );
    const runningBy = bulkRuns.tryStart('email_alert', requester.userName ?? requester.userId);
    if (runningBy !== null)
      return error(`Email Alerts are already running (started by ${runningBy}). Try again when they finish.`);
    try {
      const names = [...new Set(clientIds)].map((id) => clientName(deps.readModels.clients.getClient(id)!));
      await ack({
        response_action: 'update',
        view: savedModal('Email Alerts', [
          `:email: Sending the credentials email to ${names.length} client${names.length === 1 ? '' : 's'}: ${names.slice(0, 20).map(escapeText).join(', ')}${names.length > 20 ? ` and ${names.length - 20} more` : ''}.`,
          `Progress is shown in <#${channel}>.`,
        ]),
      });
      const actor = staffActor(requester);
      const progress = await postProgressMessage({
        deps,
        client,
        channel,
        title: 'Email Alerts: picked clients',
        logger,
        actor,
        expected: { total: names.length, tally: freshTally },
        resumes: null,
      });
      const leftOut = await runEmailAlert(services, progress, { actor }, { group: 'ids', clientIds });
      // A modal has no response URL: the offer goes to the progress channel, seen by this staff member alone.
      await offerResend(
        services,
        (message) => client.chat.postEphemeral({ channel, user: body.user.id, ...message }),
        leftOut,
      );
    } catch (failure) {
      logger.error({ err: failure }, 'Email Alerts to picked clients failed');
    } finally {
      bulkRuns.finish('email_alert');
    }
  };
}

function parseChannel(privateMetadata: string): string | null {
  try {
    const parsed = JSON.parse(privateMetadata) as { channel?: unknown };
    return typeof parsed.channel === 'string' ? parsed.channel : null;
  } catch {
    return null;
  }
}
