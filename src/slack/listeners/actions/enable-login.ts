import { changeLoginAccess } from '../../../app/logins.ts';
import type { ButtonArgs } from '../../reply.ts';
import type { SlackServices } from '../../services.ts';
import { startClientAction } from './client-action.ts';

/** Enables a disabled login again. */
export function enableLoginAction(services: SlackServices) {
  return async function enableLoginListener(args: ButtonArgs): Promise<void> {
    const action = await startClientAction(services, args);
    if (!action) return;
    const changed = await changeLoginAccess(
      services.deps,
      { clientId: action.clientId, action: 'enable' },
      action.requester,
    );
    if (!changed.ok) return action.report(`:x: ${changed.error.message}`);
    await action.report('Login enabled. Issue or email a temporary password if the client needs one.');
  };
}
