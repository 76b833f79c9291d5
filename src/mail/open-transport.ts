import type { Config } from '../config.ts';
import { createMailgunTransport } from './mailgun.ts';
import { createOutboxTransport } from './outbox.ts';
import type { MailTransport } from './transport.ts';

export function openMailTransport(config: Config): MailTransport {
  const { mail } = config;
  return mail.mailgun
    ? createMailgunTransport({ ...mail.mailgun, from: mail.from, replyTo: mail.replyTo })
    : createOutboxTransport({ dir: mail.outboxDir, from: mail.from, replyTo: mail.replyTo });
}
