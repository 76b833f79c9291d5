import { spawn, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { latchkeyArgs } from './cli.ts';

export interface ServeProcess {
  /** The address from the start-up line. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Every JSON log line so far. */
  logs(): Record<string, unknown>[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once a log line satisfies `match`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `latchkey serve` from the sources on a port the system picks, with JSON logs. */
export async function startServe(
  env: Record<string, string>,
  options: { args?: readonly string[]; cwd?: string } = {},
): Promise<ServeProcess> {
  // The site answers only on its business's origin, so the default one is the address tests open.
  const port = env.PORT ?? String(await freePort());
  const origin = env.PORT === undefined ? { PUBLIC_ORIGIN: `http://127.0.0.1:${port}` } : {};
  const child = spawn(options.args?.[0] ?? process.execPath, [...(options.args?.slice(1) ?? latchkeyArgs), 'serve'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PORT: port,
      HOST: '127.0.0.1',
      ...origin,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const lines: Record<string, unknown>[] = [];
  let text = '';
  let stderr = '';
  const waiters: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdout!.on('data', (chunk) => {
    text += chunk;
    const complete = text.split('\n');
    text = complete.pop()!;
    for (const raw of complete) {
      if (!raw.trim()) continue;
      const line = JSON.parse(raw) as Record<string, unknown>;
      lines.push(line);
      for (const waiter of [...waiters])
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
    }
  });
  const waitForLog = (match: (line: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find(match);
      if (seen) return resolve(seen);
      waiters.push({ match, resolve });
      void exited.then((code) =>
        reject(new Error(`latchkey serve exited (${code}):\n${stderr}\n${JSON.stringify(lines, null, 1)}`)),
      );
    });
  return waitForLog((line) => String(line.msg).startsWith('Latchkey is serving')).then((serving) => ({
    url: String(serving.url),
    child,
    logs: () => [...lines],
    stderr: () => stderr,
    waitForLog,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  }));
}

/** A port free right now (the system picks it), for a server started a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * GETs a page the way a browser on `origin` does, whatever address the server listens on: fetch()
 * always sends the URL's own host, and the site answers by the Host header.
 */
export function statusOfPageAt(url: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: { host: new URL(origin).host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
  });
}
