import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Mailgun's HTTP API on 127.0.0.1, for the real mailgun.js to talk to. It parses
 * the multipart body with the web platform's own parser (Request.formData), so the tests see
 * exactly the fields mailgun.js put on the wire.
 */
export interface ReceivedMessage {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly fields: ReadonlyMap<string, readonly string[]>;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly tags: readonly string[];
  readonly variables: Readonly<Record<string, string>>;
  readonly messageId: string;
}

export type FakeAnswer = { readonly status: number; readonly body: unknown };

export interface FakeMailgun {
  readonly url: string;
  readonly messages: ReceivedMessage[];
  /** Every request, answered or not. */
  readonly requestCount: () => number;
  /** Answers the next requests with these, in order, before going back to 200 Queued. */
  failNext(...answers: FakeAnswer[]): void;
  close(): Promise<void>;
}

export interface FakeMailgunOptions {
  /** Keep only a count (benchmarks), not every message. */
  readonly keepMessages?: boolean;
  readonly onMessage?: (message: ReceivedMessage) => void;
}

export async function startFakeMailgun(options: FakeMailgunOptions = {}): Promise<FakeMailgun> {
  const messages: ReceivedMessage[] = [];
  const queued: FakeAnswer[] = [];
  let requests = 0;
  const server = createServer((req, res) => {
    void (async () => {
      requests += 1;
      const body = await readBody(req);
      const answer = queued.shift();
      if (answer) {
        res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      const message = await parseMessage(req, body);
      if (options.keepMessages !== false) messages.push(message);
      options.onMessage?.(message);
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ id: `<${message.messageId}>`, message: 'Queued. Thank you.' }));
    })().catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requestCount: () => requests,
    failNext: (...answers) => void queued.push(...answers),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseMessage(req: IncomingMessage, body: Buffer): Promise<ReceivedMessage> {
  const form = await new Request(`http://fake${req.url}`, {
    method: 'POST',
    headers: { 'content-type': req.headers['content-type'] ?? '' },
    body,
  }).formData();
  const fields = new Map<string, string[]>();
  for (const [name, value] of form.entries()) fields.set(name, [...(fields.get(name) ?? []), String(value)]);
  const one = (name: string) => fields.get(name)?.[0] ?? '';
  const variables = Object.fromEntries(
    [...fields].filter(([name]) => name.startsWith('v:')).map(([name, values]) => [name.slice(2), values[0] ?? '']),
  );
  return {
    path: req.url ?? '',
    authorization: req.headers.authorization,
    fields,
    to: one('to'),
    subject: one('subject'),
    text: one('text'),
    html: one('html'),
    tags: fields.get('o:tag') ?? [],
    variables,
    messageId: `${Date.now()}.${randomBytes(8).toString('hex')}@fake.mailgun.test`,
  };
}

/** A webhook body as Mailgun sends it, signed with the given key. */
export function mailgunWebhookBody(
  signingKey: string,
  eventData: Record<string, unknown>,
  signature: { timestamp: number; token?: string },
): { signature: { timestamp: string; token: string; signature: string }; 'event-data': Record<string, unknown> } {
  const timestamp = String(signature.timestamp);
  const token = signature.token ?? randomBytes(25).toString('hex');
  return {
    signature: {
      timestamp,
      token,
      signature: createHmac('sha256', signingKey)
        .update(timestamp + token)
        .digest('hex'),
    },
    'event-data': eventData,
  };
}
