/**
 * The narrow port the relay sends through. Adapters translate their vendor's failures into the
 * two kinds the relay acts on: try again later, or record the failure and move on.
 */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Provider tags for filtering in its dashboard, e.g. the template name. */
  readonly tags: readonly string[];
  /** Custom variables the provider echoes back in its webhooks (Mailgun `v:`), e.g. the client id. */
  readonly variables: Readonly<Record<string, string>>;
  /** The message carries a secret: refuse to hand it to a receiving server over plain text. */
  readonly requireTls: boolean;
  /** The business's own sender, when it has one; otherwise the transport's (the deployment's). */
  readonly sender?: MailSender;
}

/** Whom an email comes from, per business: From, Reply-To and the Mailgun sending domain. */
export interface MailSender {
  readonly from: string;
  readonly replyTo: string | null;
  /** Null: the deployment's MAILGUN_DOMAIN. */
  readonly mailgunDomain: string | null;
}

export interface SentMail {
  /** The provider's message id, without angle brackets, as its webhooks name it. */
  readonly providerMessageId: string;
}

export interface MailTransport {
  readonly name: string;
  send(message: MailMessage): Promise<SentMail>;
}

/** Worth trying again: the provider was unreachable, overloaded or rate-limiting. */
export class TransientMailError extends Error {
  override readonly name = 'TransientMailError';
  /** From the provider's Retry-After, when it said how long to wait. */
  readonly retryAfterSeconds: number | null;
  constructor(message: string, options: ErrorOptions & { retryAfterSeconds?: number | null } = {}) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

/** Trying again cannot help: the provider refused this message (bad address, bad key, suspended domain). */
export class PermanentMailError extends Error {
  override readonly name = 'PermanentMailError';
}

/**
 * No mail can go through now, whatever the message: the provider refused our own credentials
 * (Mailgun 401) or could not be reached at all. The relay pauses instead of failing emails.
 */
export class MailServiceUnavailableError extends Error {
  override readonly name = 'MailServiceUnavailableError';
  constructor(
    /** What is wrong, the same words each time it happens (the detail goes in the message). */
    readonly problem: string,
    detail: string,
    options: ErrorOptions = {},
  ) {
    super(`${problem}: ${detail}`, options);
  }
}
