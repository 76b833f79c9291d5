import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads process.env. Every setting is validated at start-up, and each
 * mistake is reported by the name of its variable with what to do about it.
 */
const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'use true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));
const positiveInt = z.coerce.number({ error: 'use a whole number' }).int('use a whole number').positive('use a number above 0');

const envSchema = z.object({
  LATCHKEY_DATA_DIR: z.string().min(1).optional(),
  LATCHKEY_STORE: z.string().min(1).optional(),
  LATCHKEY_READ_MODELS: z.string().min(1).optional(),
  LATCHKEY_PEPPER: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,}$/, 'use at least 32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  BUSINESS_NAME: z.string().min(1).max(100).default('Happy Paws Pet Sitting'),
  PORT: z.coerce.number({ error: 'use a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_ORIGIN: z.url({ error: 'use the site address clients see, like https://login.example.com' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEMP_PASSWORD_TTL_DAYS: positiveInt.max(90, 'use at most 90 days').default(7),
  TEMP_PASSWORD_MAX_FAILURES: positiveInt.max(10, 'use at most 10').default(1),
  PERMANENT_PASSWORD_WORKS_WHILE_TEMP_PENDING: boolean.default(true),
  RESET_LINK_TTL_MINUTES: positiveInt.max(24 * 60, 'use at most 1440 minutes').default(60),
  PASSWORD_MIN_LENGTH: z.coerce.number({ error: 'use a whole number' }).int().min(8, 'use 8 to 64').max(64, 'use 8 to 64').default(15),
  LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  HASHING_MAX_CONCURRENT: positiveInt.max(64).default(2),
  HASHING_MAX_QUEUED: positiveInt.max(10_000).default(64),
});

export interface Config {
  readonly dataDir: string;
  readonly store: string;
  readonly readModels: string;
  readonly pepper: string | null;
  readonly businessName: string;
  readonly port: number;
  readonly host: string;
  readonly publicOrigin: string;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly tempPasswordTtlSeconds: number;
  readonly tempPasswordMaxFailures: number;
  readonly permanentWorksWhileTempPending: boolean;
  readonly resetLinkTtlSeconds: number;
  readonly passwordMinLength: number;
  readonly loginFreeFailures: number;
  readonly hashingMaxConcurrent: number;
  readonly hashingMaxQueued: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Latchkey's settings have mistakes:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = prepareDataDir(e.LATCHKEY_DATA_DIR);
  return {
    dataDir,
    store: e.LATCHKEY_STORE ?? `sqlite:${resolve(dataDir, 'events.sqlite')}`,
    readModels: e.LATCHKEY_READ_MODELS ?? resolve(dataDir, 'read-models.sqlite'),
    pepper: e.LATCHKEY_PEPPER ?? null,
    businessName: e.BUSINESS_NAME,
    port: e.PORT,
    host: e.HOST,
    publicOrigin: (e.PUBLIC_ORIGIN ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    tempPasswordTtlSeconds: e.TEMP_PASSWORD_TTL_DAYS * 24 * 3600,
    tempPasswordMaxFailures: e.TEMP_PASSWORD_MAX_FAILURES,
    permanentWorksWhileTempPending: e.PERMANENT_PASSWORD_WORKS_WHILE_TEMP_PENDING,
    resetLinkTtlSeconds: e.RESET_LINK_TTL_MINUTES * 60,
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    loginFreeFailures: e.LOGIN_FREE_FAILURES,
    hashingMaxConcurrent: e.HASHING_MAX_CONCURRENT,
    hashingMaxQueued: e.HASHING_MAX_QUEUED,
  };
}

/**
 * The default folder (./data) is made on first start so the quick start needs no set-up; a
 * folder named explicitly must already exist, because a typo should not scatter data elsewhere.
 */
function prepareDataDir(configured: string | undefined): string {
  const dir = resolve(configured ?? 'data');
  if (!existsSync(dir)) {
    if (configured) throw new ConfigError(`LATCHKEY_DATA_DIR: the folder ${dir} does not exist. Create it or fix the path.`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  try {
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch {
    throw new ConfigError(`LATCHKEY_DATA_DIR: the folder ${dir} is not writable by this user. Fix its permissions or choose another.`);
  }
  return dir;
}
