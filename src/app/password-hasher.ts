import { createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const defaultScryptParams: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

export interface PasswordVerification {
  readonly matches: boolean;
  /** A fresh hash at the current parameters, when the stored one is weaker. */
  readonly needsRehash: boolean;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, encoded: string): Promise<PasswordVerification>;
  /** Spends the same work as a real verification, so unknown accounts cost what known ones do. */
  verifyNothing(password: string): Promise<void>;
  /**
   * Takes as long as a verification usually does without doing one, so a refusal that must cost
   * no hashing (a throttled attempt) still answers in the time a checked one would.
   */
  waitAsLongAsAVerification(): Promise<void>;
}

/** The hashing queue is full: callers answer 503 with Retry-After instead of queueing without end. */
export class HashingBusyError extends Error {
  override readonly name = 'HashingBusyError';
}

export interface PasswordHasherOptions {
  readonly pepper: Buffer;
  readonly params?: ScryptParams;
  readonly maxConcurrent?: number;
  readonly maxQueued?: number;
}

const keyLength = 32;

/**
 * scrypt from node:crypto runs on libuv's thread pool, off the event loop. The output is then
 * keyed with the pepper (HMAC-SHA256), so a stolen log without the server's pepper cannot even
 * be attacked offline. Parameters are stored with each hash and upgraded at the next login.
 */
export function createPasswordHasher(options: PasswordHasherOptions): PasswordHasher {
  const params = options.params ?? defaultScryptParams;
  const limit = createLimiter(options.maxConcurrent ?? 2, options.maxQueued ?? 64);
  let typicalMs: number | null = null;
  const derive = async (password: string, salt: Buffer, p: ScryptParams) => {
    const started = performance.now();
    const key = await limit(() => scryptAsync(password.normalize('NFKC'), salt, p));
    const elapsed = performance.now() - started;
    typicalMs = typicalMs === null ? elapsed : typicalMs * 0.9 + elapsed * 0.1;
    return createHmac('sha256', options.pepper).update(key).digest();
  };
  const dummySalt = randomBytes(16);

  return {
    async hash(password) {
      const salt = randomBytes(16);
      return encode(params, salt, await derive(password, salt, params));
    },
    async verify(password, encoded) {
      const parsed = decode(encoded);
      const actual = await derive(password, parsed.salt, parsed.params);
      const matches = actual.length === parsed.key.length && timingSafeEqual(actual, parsed.key);
      return { matches, needsRehash: matches && !sameParams(parsed.params, params) };
    },
    async verifyNothing(password) {
      await derive(password, dummySalt, params);
    },
    async waitAsLongAsAVerification() {
      if (typicalMs === null) await derive('', dummySalt, params);
      else await new Promise((resolve) => setTimeout(resolve, typicalMs!));
    },
  };
}

function scryptAsync(password: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function encode({ N, r, p }: ScryptParams, salt: Buffer, key: Buffer): string {
  return `$scrypt-hmac$ln=${Math.log2(N)},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function decode(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const match = /^\$scrypt-hmac\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(encoded);
  if (!match) throw new Error('stored password hash is not in the scrypt-hmac format');
  return {
    params: { N: 2 ** Number(match[1]), r: Number(match[2]), p: Number(match[3]) },
    salt: Buffer.from(match[4]!, 'base64url'),
    key: Buffer.from(match[5]!, 'base64url'),
  };
}

const sameParams = (a: ScryptParams, b: ScryptParams) => a.N === b.N && a.r === b.r && a.p === b.p;

/** At most `concurrent` tasks run; at most `queued` wait; more are refused at once. */
function createLimiter(concurrent: number, queued: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    if (running >= concurrent) {
      if (waiting.length >= queued) throw new HashingBusyError('password hashing queue is full');
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running += 1;
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
