import { changeLoginAccess } from '../../../app/logins.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { startClientAction } from './client-action.ts';

/** Ends every session of the client; their password keeps working. */
export function revokeSessionsAction(services: SlackServices) {
  return async function revokeSessionsListener(args: ButtonArgs): Promise<void> {
    const action = await startClientAction(services, args);
    if (!action) return;
    const changed = await changeLoginAccess(
      services.deps,
      { clientId: action.clientId, action: 'revoke-sessions' },
      action.requester,
    );
    if (!changed.ok) return action.report(`:x: ${changed.error.message}`);
    await action.report('Signed out everywhere. Their password keeps working.');
  };
}
