import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import type { InstallURLOptions, StateStore } from '@slack/bolt';

/** Why an install state was refused: said plainly to the person installing, and logged. */
export type InstallStateProblem = 'malformed' | 'forged' | 'expired' | 'used';

export class InstallStateError extends Error {
  override readonly name = 'InstallStateError';
  constructor(readonly problem: InstallStateProblem) {
    super(`the Slack install state was refused (${problem})`);
  }
}

export const installStateTtlMs = 30 * 60_000;

export interface InstallStateOptions {
  readonly secret: Buffer;
  /** Where used states are remembered, so a link works once even across restarts. */
  readonly file: string;
  readonly ttlMs?: number;
}

export interface InstallStates extends StateStore {
  /** Checks a state without using it up (the install page, before sending the installer to Slack). */
  peekStateParam(now: Date, state: string): InstallURLOptions;
  close(): void;
}

interface StatePayload {
  /** The business the installation is for. */
  readonly b: string;
  /** Expiry, milliseconds since the epoch. */
  readonly e: number;
  /** A random nonce: the unit of single use. */
  readonly n: string;
}

/**
 * The `state` of Slack's OAuth flow, bound to one business: `<payload>.<HMAC-SHA256>` in base64url,
 * minted by `latchkey business slack-link`, valid for 30 minutes and once. The business id travels
 * as `installOptions.metadata`, as Bolt's own state stores carry it, so it reaches the stored
 * installation. Only a signed state can name a business: the signature is checked first, in
 * constant time, and the nonce is used up atomically before the code is exchanged.
 */
export function openInstallStates({ secret, file, ttlMs = installStateTtlMs }: InstallStateOptions): InstallStates {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS slack_install_states_used (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
  const markUsed = db.prepare('INSERT OR IGNORE INTO slack_install_states_used (nonce, expires_at) VALUES (?, ?)');
  const forgetExpired = db.prepare('DELETE FROM slack_install_states_used WHERE expires_at < ?');
  const findUsed = db.prepare('SELECT 1 FROM slack_install_states_used WHERE nonce = ?');
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest();

  function read(now: Date, state: string): StatePayload {
    const [payload, mac, extra] = state.split('.');
    if (!payload || !mac || extra !== undefined) throw new InstallStateError('malformed');
    const expected = sign(payload);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InstallStateError('forged');
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as StatePayload;
    if (parsed.e <= now.getTime()) throw new InstallStateError('expired');
    return parsed;
  }

  const toOptions = (parsed: StatePayload): InstallURLOptions => ({ scopes: [], metadata: parsed.b });

  return {
    generateStateParam(installOptions, now) {
      if (!installOptions.metadata) return Promise.reject(new Error('an install state needs the business id'));
      const body: StatePayload = {
        b: installOptions.metadata,
        e: now.getTime() + ttlMs,
        n: randomBytes(16).toString('base64url'),
      };
      const payload = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
      return Promise.resolve(`${payload}.${sign(payload).toString('base64url')}`);
    },
    verifyStateParam(now, state) {
      try {
        const parsed = read(now, state);
        forgetExpired.run(now.getTime());
        if (markUsed.run(parsed.n, parsed.e).changes === 0) throw new InstallStateError('used');
        return Promise.resolve(toOptions(parsed));
      } catch (error) {
        return Promise.reject(error instanceof InstallStateError ? error : new InstallStateError('malformed'));
      }
    },
    peekStateParam(now, state) {
      try {
        const parsed = read(now, state);
        if (findUsed.get(parsed.n) !== undefined) throw new InstallStateError('used');
        return toOptions(parsed);
      } catch (error) {
        throw error instanceof InstallStateError ? error : new InstallStateError('malformed');
      }
    },
    close: () => db.close(),
  };
}
