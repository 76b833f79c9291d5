import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Client, escapeIdentifier } from 'pg';
import { latchkeyArgs } from '../support/cli.ts';

export const postgresUrl = 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema per test file: the log of one test never meets another's. */
export const newSchema = () => `latchkey_test_${randomBytes(6).toString('hex')}`;
export const storeUrl = (schema: string) => `${postgresUrl}?schema=${schema}`;

export async function withPostgres<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const dropSchema = (schema: string) =>
  withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`));

/** A server secret in the form the settings expect (32 random bytes, base64). */
export const newServerSecret = () => randomBytes(32).toString('base64');

export interface Instance {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Runs `latchkey serve` in its own process on a port the OS picks, and resolves with the address
 * from its "Latchkey is serving" log line.
 */
export function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [...latchkeyArgs, 'serve'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let serving = false;
  return new Promise((resolve, reject) => {
    // Both pipes are read to the end, or a chatty server would block on a full pipe.
    child.stderr!.on('data', (chunk) => serving || (output += chunk));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (serving) return;
      output += chunk;
      const line = output.split('\n').find((text) => text.includes('"msg":"Latchkey is serving'));
      if (!line) return;
      serving = true;
      resolve({ url: (JSON.parse(line) as { url: string }).url, stop: () => stopProcess(child) });
    });
    child.on('exit', (code) => reject(new Error(`latchkey serve exited (${code}) before serving:\n${output}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Polls until `check` holds, failing with the last value seen once the deadline passes. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  deadlineMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within ${deadlineMs} ms; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One browser behind a load balancer that is not sticky: it keeps its session cookie and may send
 * each request to any instance. Forms carry the public origin, as a browser on the site would.
 */
export class Visitor {
  private cookie: string | null = null;

  constructor(private readonly publicOrigin: string) {}

  get(instance: Instance, path: string): Promise<Response> {
    return this.send(instance, path, { method: 'GET' });
  }

  post(instance: Instance, path: string, form: Record<string, string>): Promise<Response> {
    return this.send(instance, path, {
      method: 'POST',
      headers: { origin: this.publicOrigin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  private async send(instance: Instance, path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    // The balancer passes the browser's Host through, and the site answers by it.
    headers.set('host', new URL(this.publicOrigin).host);
    const response = await requestWithHost(`${instance.url}${path}`, init.method ?? 'GET', headers, init.body);
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      this.cookie = /^[^=]+=$/.test(pair) || /max-age=0/i.test(line) ? null : pair;
    }
    return response;
  }
}

/** fetch() always sends the URL's own host; node:http sends the Host it is given. */
function requestWithHost(url: string, method: string, headers: Headers, body: RequestInit['body']): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers: Object.fromEntries(headers) }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.once('error', reject);
      incoming.once('end', () => {
        const status = incoming.statusCode ?? 0;
        const answered = new Headers();
        for (const [name, value] of Object.entries(incoming.headers))
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
            answered.append(name, one);
        const text = [204, 304].includes(status) ? null : Buffer.concat(chunks);
        resolve(new Response(text, { status, headers: answered }));
      });
    });
    request.once('error', reject);
    request.end(typeof body === 'string' ? body : undefined);
  });
}
