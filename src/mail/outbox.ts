import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { buildMimeMessage, readMimeParts } from './mime.ts';
import type { MailMessage, MailTransport } from './transport.ts';

/**
 * The embedded default transport: each message becomes `<id>.eml` (the whole message, as the
 * recipient's inbox would hold it, openable in any mail client) and `<id>.json` (who, what,
 * tags and variables, never the body) under `<dataDir>/outbox/`. Nothing leaves the machine.
 */
export interface OutboxOptions {
  readonly dir: string;
  readonly from: string;
  readonly replyTo: string | null;
}

const outboxEntrySchema = z.object({
  id: z.string(),
  providerMessageId: z.string(),
  at: z.string(),
  from: z.string(),
  to: z.string(),
  replyTo: z.string().nullable(),
  subject: z.string(),
  tags: z.array(z.string()),
  variables: z.record(z.string(), z.string()),
});

export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

const outboxIdPattern = /^\d{8}T\d{9}Z-[0-9a-f]{12}$/;

export function createOutboxTransport(options: OutboxOptions): MailTransport {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  return {
    name: 'outbox',
    async send(message: MailMessage) {
      const now = new Date();
      const id = `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(6).toString('hex')}`;
      const providerMessageId = `${id}@outbox.latchkey.invalid`;
      const entry: OutboxEntry = {
        id,
        providerMessageId,
        at: now.toISOString(),
        from: message.sender?.from ?? options.from,
        to: message.to,
        replyTo: message.sender ? message.sender.replyTo : options.replyTo,
        subject: message.subject,
        tags: [...message.tags],
        variables: { ...message.variables },
      };
      const eml = buildMimeMessage({ ...entry, messageId: providerMessageId, date: now }, message.text, message.html);
      writeFileAtomically(join(options.dir, `${id}.eml`), eml);
      // The .json is written last: a listed entry always has its message.
      writeFileAtomically(join(options.dir, `${id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
      return { providerMessageId };
    },
  };
}

function writeFileAtomically(file: string, content: string): void {
  writeFileSync(`${file}.tmp`, content, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Newest first. */
export function listOutbox(dir: string, limit = 200): OutboxEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json') && outboxIdPattern.test(name.slice(0, -5)))
    .sort()
    .reverse()
    .slice(0, limit)
    .flatMap((name) => {
      try {
        return [outboxEntrySchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')))];
      } catch {
        // A file someone edited or truncated by hand is left out of the list rather than breaking it.
        return [];
      }
    });
}

export function readOutboxMessage(
  dir: string,
  id: string,
): (OutboxEntry & { text: string; html: string; eml: string }) | null {
  if (!outboxIdPattern.test(id)) return null;
  try {
    const entry = outboxEntrySchema.parse(JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')));
    const eml = readFileSync(join(dir, `${id}.eml`), 'utf8');
    const parts = readMimeParts(eml);
    return parts ? { ...entry, ...parts, eml } : null;
  } catch {
    return null;
  }
}
