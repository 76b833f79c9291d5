import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { changeClientEmail } from '../../../app/directory.ts';
import { newId } from '../../../app/ids.ts';
import { requestCredentialsEmail } from '../../../app/logins.ts';
import { parseEditorMetadataJson, savedModal } from '../../blocks/email-editor.ts';
import { escapeText } from '../../blocks/kit.ts';
import { emailEditorBlocks } from '../../ids.ts';
import { describeSlackRequester, slackCommandId, staffActor } from '../../requester.ts';
import type { SlackServices } from '../../services.ts';
import { refreshCard } from './refresh-card.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const editorState = z.object({
  [emailEditorBlocks.email]: z.object({ [emailEditorBlocks.email]: z.object({ value: z.string().nullish() }) }),
  [emailEditorBlocks.resend]: z
    .object({
      [emailEditorBlocks.resend]: z.object({ selected_options: z.array(z.object({ value: z.string() })).nullish() }),
    })
    .optional(),
});

/**
 * Saves "Change email": the directory change with the staff member as actor, then, when asked,
 * the credentials email to the new address. Both command ids come from the view and what was
 * submitted, so a retried submission appends nothing new.
 */
export function emailEditorSubmitted(services: SlackServices) {
  const { deps, logger } = services;
  return async function emailEditorSubmittedListener({ ack, body, view }: ViewArgs): Promise<void> {
    const metadata = parseEditorMetadataJson(view.private_metadata);
    const state = editorState.safeParse(view.state.values);
    const requester = describeSlackRequester(body);
    if (!metadata || !state.success || !requester) {
      return ack({
        response_action: 'errors',
        errors: { [emailEditorBlocks.email]: 'This form could not be read. Close it and open it again.' },
      });
    }
    const email = state.data[emailEditorBlocks.email][emailEditorBlocks.email].value ?? '';
    const resend = (state.data[emailEditorBlocks.resend]?.[emailEditorBlocks.resend].selected_options ?? []).length > 0;
    const fingerprint = createHash('sha256').update(JSON.stringify({ email, resend })).digest('hex').slice(0, 16);
    const commandId = `${slackCommandId(requester, newId)}:${fingerprint}`;
    const actor = staffActor(requester);
    const changed = await changeClientEmail(
      deps,
      { clientId: metadata.clientId, email },
      { actor, commandId: `${commandId}:email` },
    );
    if (!changed.ok)
      return ack({ response_action: 'errors', errors: { [emailEditorBlocks.email]: changed.error.message } });
    const lines = [
      changed.value.changed
        ? `:white_check_mark: Email changed to ${escapeText(changed.value.email)}${changed.value.previous ? ` (was ${escapeText(changed.value.previous)})` : ''}.`
        : `:white_check_mark: The email was already ${escapeText(changed.value.email)}; nothing changed.`,
    ];
    if (resend) {
      const requested = await requestCredentialsEmail(
        deps,
        { clientId: metadata.clientId },
        { actor, commandId: `${commandId}:credentials` },
      );
      lines.push(
        requested.ok
          ? `:email: The credentials email is on its way to ${escapeText(requested.value.email)} with a fresh temporary password.`
          : `:x: The credentials email was not sent: ${escapeText(requested.error.message)}`,
      );
    }
    await ack({ response_action: 'update', view: savedModal('Change email', lines) });
    await refreshCard(services, metadata, lines[0]!);
    logger.debug({ clientId: metadata.clientId }, 'email changed from Slack');
  };
}
