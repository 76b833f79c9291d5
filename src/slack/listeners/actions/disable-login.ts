import { changeLoginAccess } from '../../../app/logins.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { startClientAction } from './client-action.ts';

/** Disables a login and ends its sessions. */
export function disableLoginAction(services: SlackServices) {
  return async function disableLoginListener(args: ButtonArgs): Promise<void> {
    const action = await startClientAction(services, args);
    if (!action) return;
    const changed = await changeLoginAccess(
      services.deps,
      { clientId: action.clientId, action: 'disable' },
      action.requester,
    );
    if (!changed.ok) return action.report(`:x: ${changed.error.message}`);
    await action.report('Login disabled; every session has ended.');
  };
}
