import { requestCredentialsEmail } from '../../../app/logins.ts';
import { escapeText } from '../../blocks/kit.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { startClientAction } from './client-action.ts';

/** Asks the mail relay to send the Client Login Credentials email; the relay mints the temporary password it sends. */
export function emailCredentialsAction(services: SlackServices) {
  return async function emailCredentialsListener(args: ButtonArgs): Promise<void> {
    const action = await startClientAction(services, args);
    if (!action) return;
    const requested = await requestCredentialsEmail(services.deps, { clientId: action.clientId }, action.requester);
    if (!requested.ok) return action.report(`:x: ${requested.error.message}`);
    const to = escapeText(requested.value.email);
    await action.report(
      requested.value.alreadyRequested
        ? `:information_source: That click was already handled: the credentials email to ${to} was queued then, and nothing new was sent.`
        : `:email: Credentials email queued to ${to}. Any earlier temporary password stops working.`,
    );
  };
}
