import { spawn, type ChildProcess } from 'node:child_process';
import { latchkeyArgs } from './cli.ts';

export interface ServeProcess {
  /** The address from the start-up line. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Every JSON log line so far. */
  logs(): Record<string, unknown>[];
  /** Resolves once a log line satisfies `match`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `latchkey serve` from the sources on a port the system picks, with JSON logs. */
export function startServe(
  env: Record<string, string>,
  options: { args?: readonly string[]; cwd?: string } = {},
): Promise<ServeProcess> {
  const child = spawn(options.args?.[0] ?? process.execPath, [...(options.args?.slice(1) ?? latchkeyArgs), 'serve'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PORT: '0',
      HOST: '127.0.0.1',
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
    waitForLog,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  }));
}
