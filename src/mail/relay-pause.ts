import type { Logger } from '../logger.ts';
import { MailServiceUnavailableError, type MailMessage, type MailTransport } from './transport.ts';

/** Where the relay stands: sending, or paused because no email can go through. */
export type RelayState =
  { readonly kind: 'running' } | { readonly kind: 'paused'; readonly problem: string; readonly since: string };

export interface PauseBackoff {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultPauseBackoff: PauseBackoff = { firstDelayMs: 5_000, maxDelayMs: 5 * 60_000 };

export interface PausingTransport extends MailTransport {
  state(): RelayState;
}

export class RelayStopped extends Error {}

/**
 * Wraps the transport so a failure that is ours, not the email's (Mailgun refused the API key,
 * or could not be reached), pauses every send instead of failing each email. The send that met
 * it keeps its message and tries it again with backoff, alone: it is the probe, and nothing is
 * minted or recorded for it meanwhile. The other sends wait; once one goes through, they all go.
 * One log line per change of state.
 */
export function pauseOnUnavailable(
  transport: MailTransport,
  options: {
    readonly signal: AbortSignal;
    readonly log?: Logger;
    readonly backoff?: PauseBackoff;
    readonly now: () => Date;
    readonly onChange?: (state: RelayState) => void;
  },
): PausingTransport {
  const backoff = options.backoff ?? defaultPauseBackoff;
  let state: RelayState = { kind: 'running' };
  let probing = false;
  let failedProbes = 0;
  let waiters: (() => void)[] = [];

  function change(next: RelayState, detail?: string): void {
    state = next;
    if (next.kind === 'paused')
      options.log?.error(
        { problem: next.problem, detail },
        `mail relay paused: ${next.problem}; no email is failed for it, retrying in the background`,
      );
    else options.log?.info('mail relay resumed: mail goes out again');
    options.onChange?.(next);
  }
  function pause(problem: string, detail: string): void {
    if (state.kind === 'paused' && state.problem === problem) return;
    const since = state.kind === 'paused' ? state.since : options.now().toISOString();
    change({ kind: 'paused', problem, since }, detail);
  }
  function resume(): void {
    failedProbes = 0;
    if (state.kind === 'paused') change({ kind: 'running' });
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  }
  const stopped = () => new RelayStopped('the mail relay is stopping');
  function waitForResume(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(stopped());
      const onAbort = () => reject(stopped());
      options.signal.addEventListener('abort', onAbort, { once: true });
      waiters.push(() => {
        options.signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(stopped());
      const onAbort = () => {
        clearTimeout(timer);
        reject(stopped());
      };
      const timer = setTimeout(() => {
        options.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      options.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function send(message: MailMessage) {
    let prober = false;
    try {
      for (;;) {
        if (state.kind === 'paused' && !prober) {
          if (probing) {
            await waitForResume();
            continue;
          }
          probing = prober = true;
        }
        if (prober) await sleep(Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** failedProbes));
        try {
          const sent = await transport.send(message);
          resume();
          return sent;
        } catch (error) {
          if (!(error instanceof MailServiceUnavailableError)) {
            // The service answered: it is up again, and this one message is the problem.
            resume();
            throw error;
          }
          pause(error.problem, error.message);
          if (prober) failedProbes += 1;
        }
      }
    } finally {
      if (prober) probing = false;
    }
  }

  return { name: transport.name, send, state: () => state };
}
