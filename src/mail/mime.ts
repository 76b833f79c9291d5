import { randomBytes } from 'node:crypto';

/**
 * Just enough MIME for the dev outbox: a multipart/alternative message with a plain-text and an
 * HTML part, readable by any mail client, and the reader for exactly what this writer produces.
 */
export interface MimeEnvelope {
  readonly from: string;
  readonly to: string;
  readonly replyTo: string | null;
  readonly subject: string;
  readonly messageId: string;
  readonly date: Date;
  readonly tags: readonly string[];
}

export function buildMimeMessage(envelope: MimeEnvelope, text: string, html: string): string {
  const boundary = `latchkey-${randomBytes(12).toString('hex')}`;
  const headers = [
    `From: ${envelope.from}`,
    `To: ${envelope.to}`,
    ...(envelope.replyTo ? [`Reply-To: ${envelope.replyTo}`] : []),
    `Subject: ${encodeHeaderText(envelope.subject)}`,
    `Date: ${envelope.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${envelope.messageId}>`,
    ...(envelope.tags.length > 0 ? [`X-Latchkey-Tags: ${envelope.tags.join(', ')}`] : []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: 8bit', '', toCrlf(body)].join(
      '\r\n',
    );
  return [...headers, '', part('text/plain', text), part('text/html', html), `--${boundary}--`, ''].join('\r\n');
}

/** RFC 2047: a subject with anything beyond ASCII travels as base64 UTF-8. */
function encodeHeaderText(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

function toCrlf(body: string): string {
  return body.replace(/\r?\n/g, '\r\n');
}

/** Reads back the two parts of a message written by buildMimeMessage. */
export function readMimeParts(eml: string): { text: string; html: string } | null {
  const boundary = /boundary="([^"]+)"/.exec(eml)?.[1];
  if (!boundary) return null;
  const parts = eml.split(`--${boundary}`).slice(1, -1);
  const found: { text?: string; html?: string } = {};
  for (const part of parts) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split).toLowerCase();
    const body = part
      .slice(split + 4)
      .replace(/\r\n$/, '')
      .replace(/\r\n/g, '\n');
    if (head.includes('content-type: text/plain')) found.text = body;
    if (head.includes('content-type: text/html')) found.html = body;
  }
  return found.text !== undefined && found.html !== undefined ? { text: found.text, html: found.html } : null;
}
