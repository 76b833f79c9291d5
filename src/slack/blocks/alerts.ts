import type { ClientView } from '../../projections/clients.ts';
import { clientName } from '../client-summary.ts';
import { actionIds, keyedActionId } from '../ids.ts';
import { actions, button, confirm, escapeText, section, type Block } from './kit.ts';

export interface AlertMessage {
  readonly text: string;
  readonly blocks: Block[];
}

export type AlertSubject =
  | { readonly kind: 'temp_password_burned' }
  | {
      readonly kind: 'email_failed';
      readonly how: 'bounced' | 'could not be delivered' | 'could not be sent';
      readonly reason: string;
    }
  | { readonly kind: 'first_login_completed' };

/**
 * A staff-channel alert. It names the client and what happened, never a secret; the buttons
 * carry only the client id.
 */
export function alertMessage(clientId: string, client: ClientView | null, subject: AlertSubject): AlertMessage {
  const rawName = client ? clientName(client) : `client ${clientId}`;
  // Escaped in the top-level text too: that is what notifications show, and where <!channel> would ping.
  const name = escapeText(rawName);
  const who = `*${name}*${client?.email ? ` (${escapeText(client.email)})` : ''}`;
  const history = button({ text: 'History', actionId: actionIds.showHistory, value: clientId });
  switch (subject.kind) {
    case 'temp_password_burned':
      return {
        text: `The temporary password of ${name} was burned by a failed login attempt`,
        blocks: [
          section(`:fire: The temporary password of ${who} was burned by a failed login attempt. It no longer works.`),
          actions(`alert:${clientId}`, [
            ...(client?.email
              ? [
                  button({
                    text: 'Email a new one',
                    actionId: actionIds.emailCredentials,
                    value: clientId,
                    style: 'primary',
                    confirm: confirm({
                      title: 'Email new credentials?',
                      text: `Send ${rawName} the credentials email with a fresh temporary password?`,
                      confirm: 'Send email',
                    }),
                  }),
                ]
              : []),
            history,
          ]),
        ],
      };
    case 'email_failed':
      return {
        text: `An email to ${name} ${subject.how}`,
        blocks: [
          section(`:mailbox_with_no_mail: An email to ${who} ${subject.how}: ${escapeText(subject.reason)}`),
          actions(`alert:${clientId}`, [
            button({
              text: client?.email ? 'Change email' : 'Add email',
              actionId: keyedActionId(actionIds.openEmailEditor, clientId),
              value: clientId,
              style: 'primary',
            }),
            history,
          ]),
        ],
      };
    case 'first_login_completed':
      return {
        text: `${name} completed their first login`,
        blocks: [
          section(`:tada: ${who} signed in with their temporary password and chose their own password.`),
          actions(`alert:${clientId}`, [history]),
        ],
      };
  }
}
