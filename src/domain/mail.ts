/**
 * The life of each email, stream `mail-<clientId>`. Mail is requested by credential events
 * (CredentialsEmailRequested, PasswordResetRequested, UserNameReminderRequested, and the
 * password-changed notice after PermanentPasswordChosen / PasswordChanged / PasswordResetCompleted);
 * the relay sends it and records what happened here. No event holds the message body.
 */
export type MailTemplate = 'client-login-credentials' | 'password-reset' | 'forgotten-user-name' | 'password-changed';

export type MailEvent =
  | {
      readonly type: 'EmailSent';
      readonly data: {
        readonly clientId: string;
        /** The id of the event that requested the mail: the relay's de-duplication key. */
        readonly requestEventId: string;
        readonly template: MailTemplate;
        readonly to: string;
        readonly providerMessageId: string;
      };
    }
  | {
      readonly type: 'EmailSendFailed';
      readonly data: {
        readonly clientId: string;
        readonly requestEventId: string;
        readonly template: MailTemplate;
        readonly permanent: boolean;
        readonly reason: string;
      };
    }
  | {
      readonly type: 'EmailDelivered';
      readonly data: { readonly clientId: string; readonly providerMessageId: string };
    }
  | {
      readonly type: 'EmailDeliveryFailed';
      readonly data: {
        readonly clientId: string;
        readonly providerMessageId: string;
        readonly severity: 'temporary' | 'permanent';
        readonly reason: string;
      };
    }
  | {
      readonly type: 'EmailBounced';
      readonly data: { readonly clientId: string; readonly providerMessageId: string; readonly reason: string };
    }
  | {
      readonly type: 'EmailComplained';
      readonly data: { readonly clientId: string; readonly providerMessageId: string };
    }
  | {
      readonly type: 'EmailUnsubscribed';
      readonly data: { readonly clientId: string; readonly providerMessageId: string };
    };

export const mailStream = (clientId: string): string => `mail-${clientId}`;

/**
 * Mailgun signs only the timestamp and token of a webhook, so each token is accepted once: the
 * first report carrying it creates the stream `mailgun-webhook-token-<token>` (appended with
 * `no_stream`, so the store itself refuses a second use, across restarts and instances).
 */
export type MailWebhookTokenEvent = {
  readonly type: 'MailgunWebhookTokenAccepted';
  /** The message the first report named: a retry of the same report must name it too. */
  readonly data: { readonly timestamp: string; readonly event: string; readonly providerMessageId?: string };
};

export const mailgunWebhookTokenStream = (token: string): string => `mailgun-webhook-token-${token}`;
