import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Mailgun's HTTP API on 127.0.0.1, for the real mailgun.js to talk to. It parses
 * the multipart body with the web platform's own parser (Request.formData), so the tests see
 * exactly the fields mailgun.js put on the wire, and it refuses what Mailgun refuses
 * (documentation.mailgun.com, "API Response Codes" and "Send an email"): 401 for a wrong key,
 * 404 for a domain that is not ours, 400 with a message for a missing or malformed parameter,
 * 413 for a message over the size limit. 402, 429 (with Retry-After) and 5xx are answered on
 * request through `failNext`.
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

export type FakeAnswer = {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
};

export interface FakeMailgun {
  readonly url: string;
  readonly messages: ReceivedMessage[];
  /** Every request, answered or not. */
  readonly requestCount: () => number;
  /** Answers the next requests with these, in order, before going back to 200 Queued. */
  failNext(...answers: FakeAnswer[]): void;
  /** Answers every message this picks out with its answer (a recipient whose mail keeps failing), until cleared. */
  failWhen(pick: ((message: ReceivedMessage) => FakeAnswer | null) | null): void;
  close(): Promise<void>;
}

export interface FakeMailgunOptions {
  /** Keep only a count (benchmarks), not every message. */
  readonly keepMessages?: boolean;
  /** The API key Mailgun knows; any other gets 401. Unset: any key of the right form. */
  readonly apiKey?: string;
  /** Sending domains on the account; any other gets 404. Unset: any domain. */
  readonly domains?: readonly string[];
  /** Mailgun's limit is 25 MB per message; tests lower it. */
  readonly maxMessageBytes?: number;
  readonly onMessage?: (message: ReceivedMessage) => void;
  /** Called as each request arrives, before it is answered (tests move their clock here). */
  readonly onRequest?: () => void;
  /** Listen on this port (a test bringing an unreachable Mailgun back); unset: one the system picks. */
  readonly port?: number;
}

export async function startFakeMailgun(options: FakeMailgunOptions = {}): Promise<FakeMailgun> {
  const messages: ReceivedMessage[] = [];
  const queued: FakeAnswer[] = [];
  let requests = 0;
  let failing: ((message: ReceivedMessage) => FakeAnswer | null) | null = null;
  const server = createServer((req, res) => {
    void (async () => {
      requests += 1;
      options.onRequest?.();
      const body = await readBody(req);
      let parsed: ReceivedMessage | undefined;
      const parse = async () => (parsed ??= await parseMessage(req, body));
      const answer =
        queued.shift() ?? (await refusal(req, body, options, parse)) ?? (failing ? failing(await parse()) : null);
      if (answer) {
        res
          .writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers })
          .end(JSON.stringify(answer.body));
        return;
      }
      const message = await parse();
      if (options.keepMessages !== false) messages.push(message);
      options.onMessage?.(message);
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ id: `<${message.messageId}>`, message: 'Queued. Thank you.' }));
    })().catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requestCount: () => requests,
    failNext: (...answers) => void queued.push(...answers),
    failWhen: (pick) => void (failing = pick),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const sendPath = /^\/v3\/([^/]+)\/messages$/;
const address = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const yesNo = new Set(['yes', 'no', 'true', 'false']);

/** What Mailgun would refuse, in the order it checks: route, key, domain, size, parameters. */
async function refusal(
  req: IncomingMessage,
  body: Buffer,
  options: FakeMailgunOptions,
  parse: () => Promise<ReceivedMessage>,
): Promise<FakeAnswer | null> {
  const route = sendPath.exec(req.url ?? '');
  if (req.method !== 'POST' || !route) return { status: 404, body: { message: 'Not Found' } };
  const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
  const [user, key] = Buffer.from(encoded ?? '', 'base64')
    .toString()
    .split(':');
  if (scheme !== 'Basic' || user !== 'api' || !key || (options.apiKey !== undefined && key !== options.apiKey))
    return { status: 401, body: 'Forbidden' };
  const domain = decodeURIComponent(route[1]!);
  if (options.domains && !options.domains.includes(domain))
    return { status: 404, body: { message: `Domain not found: ${domain}` } };
  if (body.length > (options.maxMessageBytes ?? 25 * 1024 * 1024))
    return { status: 413, body: { message: 'request entity too large' } };
  const { fields } = await parse();
  const one = (name: string) => fields.get(name)?.[0];
  for (const name of ['from', 'to'])
    if (!one(name)) return { status: 400, body: { message: `'${name}' parameter is missing` } };
  if (!one('subject')) return { status: 400, body: { message: "'subject' parameter is missing" } };
  if (!one('text') && !one('html'))
    return {
      status: 400,
      body: { message: "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified" },
    };
  if (!(fields.get('to') ?? []).every((to) => address.test(to.replace(/^.*<(.+)>$/, '$1'))))
    return { status: 400, body: { message: "'to' parameter is not a valid address. please check documentation" } };
  for (const option of ['o:tracking', 'o:require-tls', 'o:skip-verification'])
    if (one(option) !== undefined && !yesNo.has(one(option)!))
      return { status: 400, body: { message: `'${option}' parameter must be yes, no, true or false` } };
  if ((fields.get('o:tag') ?? []).length > 10)
    return { status: 400, body: { message: 'Too many tags: at most 10 are allowed per message' } };
  return null;
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
