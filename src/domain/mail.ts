import { scopedStream } from './business.ts';
/**
 * The life of each email, stream `mail-<clientId>`. Mail is requested by credential events
 * (CredentialsEmailRequested, PasswordResetRequested, UserNameReminderRequested, and the
 * password-changed notice after PermanentPasswordChosen / PasswordChanged / PasswordResetCompleted, and
 * the new-sign-in notice after NewSignInNoticeRequested);
 * the relay sends it and records what happened here. No event holds the message body.
 */
export type MailTemplate =
  'client-login-credentials' | 'password-reset' | 'forgotten-user-name' | 'password-changed' | 'new-sign-in';

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
        /** Set when transient failures went on past the retry window: the relay stopped trying. */
        readonly gaveUpAfterAttempts?: number;
      };
    }
  | {
      /** A transient failure: the relay tries again at `retryAt` (recorded, so a restart keeps the schedule). */
      readonly type: 'EmailSendDeferred';
      readonly data: {
        readonly clientId: string;
        readonly requestEventId: string;
        readonly template: MailTemplate;
        /** Attempts made so far, this one included. */
        readonly attempt: number;
        readonly reason: string;
        readonly retryAt: string;
      };
    }
  | {
      /** Not sent: the address bounced permanently, complained or unsubscribed. Nothing was minted. */
      readonly type: 'EmailSuppressed';
      readonly data: {
        readonly clientId: string;
        readonly requestEventId: string;
        readonly template: MailTemplate;
        readonly to: string;
        readonly reason: SuppressionReason;
        /** When the report that suppressed the address was recorded. */
        readonly since: string;
      };
    }
  | {
      /**
       * Not sent, nothing minted: staff issued a temporary password by hand (Slack or
       * `login issue-temp`) after this credentials email was requested. Sending it would mint a
       * newer one and burn the password staff just gave the client, so staff's newer action wins.
       */
      readonly type: 'EmailSendSkipped';
      readonly data: {
        readonly clientId: string;
        readonly requestEventId: string;
        readonly template: MailTemplate;
        readonly reason: MailSkipReason;
        /** The temporary password staff issued since the request (its id, never the secret). */
        readonly tempPasswordId: string;
      };
    }
  | {
      /** Staff say the address is fixed: mail to it goes out again. */
      readonly type: 'EmailSuppressionLifted';
      readonly data: { readonly clientId: string; readonly address: string; readonly reason: SuppressionReason };
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

/** Why an address is no longer mailed: Mailgun reported a permanent bounce, a spam complaint or an unsubscribe. */
export type SuppressionReason = 'bounced' | 'complained' | 'unsubscribed';

/** Why the relay left a request alone. */
export type MailSkipReason = 'temp_password_issued_since';

/** Events that settle a request: once one names it, the relay never sends for that request again. */
export const mailOutcomeTypes: ReadonlySet<MailEvent['type']> = new Set([
  'EmailSent',
  'EmailSendFailed',
  'EmailSuppressed',
  'EmailSendSkipped',
]);

/** Templates whose email carries a secret (a temporary password or a reset link). */
export const secretBearingTemplates: ReadonlySet<MailTemplate> = new Set([
  'client-login-credentials',
  'password-reset',
]);

export const mailStream = (businessId: string, clientId: string): string =>
  scopedStream(businessId, `mail-${clientId}`);

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
