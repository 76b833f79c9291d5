import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { saveLogin } from '../../../app/login-editor.ts';
import { newId } from '../../../app/ids.ts';
import { escapeText, plain, section } from '../../blocks/kit.ts';
import { actionIds, loginEditorBlocks } from '../../ids.ts';
import { parseEditorMetadataJson } from '../../blocks/email-editor.ts';
import { refreshCard } from './refresh-card.ts';
import { describeSlackRequester, slackCommandId, staffActor } from '../../requester.ts';
import type { SlackServices } from '../../services.ts';
import { checkUserName } from '../../user-names.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const checked = (actionId: string) =>
  z
    .object({ [actionId]: z.object({ selected_options: z.array(z.object({ value: z.string() })).nullish() }) })
    .optional();
const editorState = z.object({
  [loginEditorBlocks.userName]: z.object({ [actionIds.checkUserName]: z.object({ value: z.string().nullish() }) }),
  [loginEditorBlocks.active]: checked(loginEditorBlocks.active),
  [loginEditorBlocks.emailNow]: checked(loginEditorBlocks.emailNow),
});

/**
 * Saves the System Login Editor. The answer to a submission is the HTTP response itself, so the
 * save runs before the acknowledgement: it decides between inline errors and a closed modal.
 * The command id comes from the view id and what was submitted, so a replayed save appends nothing new.
 */
export function loginEditorSubmitted(services: SlackServices) {
  const { deps } = services;
  return async function loginEditorSubmittedListener({ ack, body, view }: ViewArgs): Promise<void> {
    const metadata = parseEditorMetadataJson(view.private_metadata);
    const clientId = metadata?.clientId ?? null;
    const state = editorState.safeParse(view.state.values);
    const requester = describeSlackRequester(body);
    if (!clientId || !state.success || !requester) {
      return ack({
        response_action: 'errors',
        errors: { [loginEditorBlocks.userName]: 'This form could not be read. Close it and open the editor again.' },
      });
    }
    const values = state.data;
    const userName = values[loginEditorBlocks.userName][actionIds.checkUserName].value ?? '';
    const check = checkUserName(deps, clientId, userName);
    if (!check.ok) return ack({ response_action: 'errors', errors: { [loginEditorBlocks.userName]: check.message } });
    const input = {
      clientId,
      userName: check.userName,
      active: (values[loginEditorBlocks.active]?.[loginEditorBlocks.active]?.selected_options ?? []).length > 0,
      emailCredentials:
        (values[loginEditorBlocks.emailNow]?.[loginEditorBlocks.emailNow]?.selected_options ?? []).length > 0,
    };
    // A retry of this submission derives the same id; a corrected resubmission of the same modal does not.
    const commandId = `${slackCommandId(requester, newId)}:${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 16)}`;
    const saved = await saveLogin(deps, input, { actor: staffActor(requester), commandId });
    if (!saved.ok) {
      const field =
        saved.error.code === 'email_needs_active' || saved.error.code === 'no_email'
          ? loginEditorBlocks.emailNow
          : loginEditorBlocks.userName;
      const block =
        field === loginEditorBlocks.emailNow && !(field in view.state.values) ? loginEditorBlocks.userName : field;
      return ack({ response_action: 'errors', errors: { [block]: saved.error.message } });
    }
    const lines = [
      `:white_check_mark: Saved. User name \`${escapeText(saved.value.userName)}\`, login ${input.active ? 'active' : 'disabled'}.`,
      ...(saved.value.emailRequestId ? ['The credentials email is on its way with a fresh temporary password.'] : []),
    ];
    await ack({
      response_action: 'update',
      view: {
        type: 'modal',
        title: plain('System Login Editor'),
        close: plain('Close'),
        blocks: [section(lines.join('\n'))],
      },
    });
    await refreshCard(services, metadata!, lines[0]!);
  };
}
