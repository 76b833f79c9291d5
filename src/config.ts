import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { commaSeparated, isSlackMemberId, slackMemberIdsAdvice } from './domain/business-settings.ts';
import { packageFile } from './package-files.ts';

/**
 * The one place that reads process.env. Every setting is validated at start-up, and each
 * mistake is reported by the name of its variable with what to do about it.
 */
const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'use true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));
const isAddressOrSubnet = (entry: string): boolean => {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};
const positiveInt = z.coerce
  .number({ error: 'use a whole number' })
  .int('use a whole number')
  .positive('use a number above 0');

const envSchema = z.object({
  LATCHKEY_DATA_DIR: z.string().min(1).optional(),
  LATCHKEY_STORE: z.string().min(1).optional(),
  LATCHKEY_READ_MODELS: z.string().min(1).optional(),
  LATCHKEY_PEPPER: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,}$/, 'use at least 32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  BUSINESS_NAME: z.string().min(1).max(100).default('Happy Paws Pet Sitting'),
  BUSINESS_LOGO_URL: z
    .string()
    .regex(/^(https:\/\/[^\s"']+|\/[^\s"']*)$/, 'use an https:// address or a path on this site starting with /')
    .optional(),
  BUSINESS_CONTACT: z.string().min(1).max(200).optional(),
  PORT: z.coerce.number({ error: 'use a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_ORIGIN: z.url({ error: 'use the site address clients see, like https://login.example.com' }).optional(),
  SESSION_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,}$/, 'use at least 32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  SESSION_MAX_AGE_HOURS: positiveInt.max(24 * 30, 'use at most 720 hours').default(12),
  SESSION_KEEP_SIGNED_IN_DAYS: positiveInt.max(400, 'use at most 400 days').default(30),
  SESSION_IDLE_TIMEOUT_MINUTES: z.coerce
    .number({ error: 'use a whole number of minutes' })
    .int('use a whole number of minutes')
    .min(0, 'use 0 (no idle timeout) or more')
    .max(24 * 60, 'use at most 1440 minutes')
    .default(0),
  NEW_SIGN_IN_EMAIL: boolean.default(true),
  TRUSTED_PROXY: commaSeparated(
    isAddressOrSubnet,
    'use proxy addresses or subnets separated by commas, like 10.0.0.5,10.1.0.0/16',
  ).optional(),
  IP_RATE_LIMIT_PER_MINUTE: positiveInt.max(100_000).default(30),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'use the Bot User OAuth Token from OAuth & Permissions (it starts with xoxb-)')
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string()
    .min(20, 'copy the Signing Secret from Basic Information → App Credentials')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'use an app-level token with connections:write (it starts with xapp-)')
    .optional(),
  SLACK_SOCKET_MODE: boolean.optional(),
  SLACK_TEAM_ID: z
    .string()
    .regex(/^T[A-Z0-9]+$/, 'use the workspace id, like T0123ABCD')
    .optional(),
  SLACK_STAFF_USER_IDS: commaSeparated(isSlackMemberId, slackMemberIdsAdvice).optional(),
  SLACK_STAFF_CHANNEL_ID: z
    .string()
    .regex(/^[CG][A-Z0-9]+$/, 'use a channel id, like C0123ABCD (channel details → About)')
    .optional(),
  SLACK_ALERTS_CHANNEL_ID: z
    .string()
    .regex(/^[CG][A-Z0-9]+$/, 'use a channel id, like C0123ABCD (channel details → About)')
    .optional(),
  SLACK_COMMAND: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, 'use a slash command name, like /clients')
    .optional(),
  SLACK_API_URL: z.url({ error: 'use the Web API base address, like https://slack.com/api/' }).optional(),
  SLACK_CLIENT_ID: z
    .string()
    .regex(/^\d+\.\d+$/, 'copy the Client ID from Basic Information → App Credentials (digits, a dot, digits)')
    .optional(),
  SLACK_CLIENT_SECRET: z.string().min(20, 'copy the Client Secret from Basic Information → App Credentials').optional(),
  SLACK_STATE_SECRET: z
    .string()
    .min(32, 'use at least 32 random characters (openssl rand -base64 32), or leave it unset to have one generated')
    .optional(),
  SLACK_TOKEN_KEY: z
    .string()
    .refine(
      (value) => /^[A-Za-z0-9+/]{43}=$/.test(value),
      'use 32 random bytes in base64 (openssl rand -base64 32), or leave it unset to have one generated',
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z
    .enum(['auto', 'json', 'pretty'], { error: 'use json, pretty, or auto (pretty on a terminal, JSON otherwise)' })
    .default('auto'),
  ADMIN_PORT: z.coerce.number({ error: 'use a port number' }).int().min(0).max(65535).optional(),
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  TEMP_PASSWORD_TTL_DAYS: positiveInt.max(90, 'use at most 90 days').default(7),
  TEMP_PASSWORD_MAX_FAILURES: positiveInt.max(10, 'use at most 10').default(1),
  PERMANENT_PASSWORD_WORKS_WHILE_TEMP_PENDING: boolean.default(true),
  RECOVERY_EMAIL_COOLDOWN_SECONDS: z.coerce
    .number({ error: 'use a whole number' })
    .int()
    .min(0)
    .max(24 * 3600, 'use at most 86400 seconds')
    .default(120),
  RESET_LINK_TTL_MINUTES: positiveInt.max(24 * 60, 'use at most 1440 minutes').default(60),
  PASSWORD_MIN_LENGTH: z.coerce
    .number({ error: 'use a whole number' })
    .int()
    .min(8, 'use 8 to 64')
    .max(64, 'use 8 to 64')
    .default(15),
  LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_BACKOFF_BASE_SECONDS: positiveInt
    .max(900, 'use at most 900 seconds (the longest wait is 15 minutes)')
    .default(2),
  HASHING_MAX_CONCURRENT: positiveInt.max(64).default(2),
  HASHING_MAX_QUEUED: positiveInt.max(10_000).default(64),
  BUSINESS_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'use a time zone name, like Europe/London or America/New_York')
    .default('UTC'),
  MAIL_TRANSPORT: z
    .enum(['outbox', 'mailgun'], { error: 'use outbox (files under the data folder) or mailgun' })
    .default('outbox'),
  MAILGUN_API_KEY: z.string().min(10, 'copy a sending API key from Mailgun → Sending → Domain settings').optional(),
  MAILGUN_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'use the sending domain, like mg.example.com')
    .optional(),
  MAILGUN_REGION: z.enum(['us', 'eu'], { error: 'use us or eu (where the Mailgun domain was created)' }).default('us'),
  MAILGUN_URL: z.url({ error: 'use the API base address, like https://api.mailgun.net' }).optional(),
  MAILGUN_WEBHOOK_SIGNING_KEY: z
    .string()
    .min(10, 'copy the HTTP webhook signing key from Mailgun → Sending → Webhooks')
    .optional(),
  MAIL_FROM: z
    .string()
    .regex(
      /^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
      'use an address, like "Happy Paws <hello@example.com>"',
    )
    .optional(),
  MAIL_REPLY_TO: z.email({ error: 'use one email address, like office@example.com' }).optional(),
  MAIL_TEMPLATES_DIR: z.string().min(1).optional(),
  MAIL_RELAY: boolean.default(true),
  MAIL_REQUEST_MAX_AGE_HOURS: positiveInt.max(24 * 30, 'use at most 720 hours').default(24),
  MAIL_RETRY_MAX_HOURS: positiveInt.max(24 * 7, 'use at most 168 hours').default(24),
  CREDENTIALS_RESEND_COOLDOWN_HOURS: z.coerce
    .number({ error: 'use a whole number' })
    .int('use a whole number')
    .min(0, 'use 0 (no cooldown) or more')
    .max(24 * 30, 'use at most 720 hours')
    .default(24),
  DEV_MODE: boolean.optional(),
});

export interface Config {
  readonly dataDir: string;
  readonly store: string;
  readonly readModels: string;
  readonly pepper: string | null;
  readonly businessName: string;
  readonly businessLogoUrl: string | null;
  readonly businessContact: string | null;
  readonly port: number;
  readonly host: string;
  readonly publicOrigin: string;
  readonly sessionSecret: string | null;
  readonly sessionMaxAgeSeconds: number;
  /** The lifetime of a session started with "keep me signed in on this device". */
  readonly sessionKeepSignedInSeconds: number;
  /** A session (not a kept one) unused this long ends; null when there is no idle timeout. */
  readonly sessionIdleTimeoutSeconds: number | null;
  /** Whether a login from a browser with no device cookie emails the client a "new sign-in" notice. */
  readonly newSignInEmail: boolean;
  /** Proxies whose X-Forwarded-For is believed; empty means the socket address is the client. */
  readonly trustedProxies: readonly string[];
  readonly ipRateLimitPerMinute: number;
  /** Null when no SLACK_ setting is present: the bot is simply off. */
  readonly slack: SlackConfig | null;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** The operators' status port (readiness, log head, lag, relay and Slack state); null when off. */
  readonly admin: { readonly port: number; readonly host: string } | null;
  readonly tempPasswordTtlSeconds: number;
  readonly tempPasswordMaxFailures: number;
  readonly permanentWorksWhileTempPending: boolean;
  readonly resetLinkTtlSeconds: number;
  readonly recoveryEmailCooldownSeconds: number;
  readonly passwordMinLength: number;
  readonly loginFreeFailures: number;
  /** The first per-account wait after the free failures; it doubles per failure, up to 15 minutes. */
  readonly loginBackoffBaseSeconds: number;
  readonly hashingMaxConcurrent: number;
  readonly hashingMaxQueued: number;
  /** IANA zone in which emails show times, such as when a temporary password expires. */
  readonly businessTimeZone: string;
  /** False when BUSINESS_TIME_ZONE was left unset, so `serve` can warn that emails show UTC. */
  readonly businessTimeZoneSet: boolean;
  readonly mail: MailConfig;
  /** Developer aids such as the /dev/outbox page; never on unless mail stays on this machine. */
  readonly devMode: boolean;
}

export interface MailConfig {
  readonly transport: 'outbox' | 'mailgun';
  readonly mailgun: { readonly apiKey: string; readonly domain: string; readonly url: string } | null;
  readonly from: string;
  readonly replyTo: string | null;
  readonly webhookSigningKey: string | null;
  readonly templatesDir: string;
  readonly outboxDir: string;
  /** Off on every instance but one when several serve the same store: one relay sends the mail. */
  readonly relayEnabled: boolean;
  /** Requests older than this when the relay first sees them are recorded as not sent, never sent late. */
  readonly requestMaxAgeSeconds: number;
  /** How long after a request the relay keeps retrying transient failures before it gives up. */
  readonly retryWindowSeconds: number;
  /** Email Alerts and provisioning skip clients sent credentials this recently, unless forced. */
  readonly credentialsResendCooldownSeconds: number;
}

export interface SlackConfig {
  /** The single workspace's token (it belongs to the default business); null in OAuth mode only. */
  readonly botToken: string | null;
  /** Verifies HTTP requests; Socket Mode (development) needs the app token instead. */
  readonly signingSecret: string | null;
  readonly socketMode: boolean;
  readonly appToken: string | null;
  /** The single workspace (`SLACK_TEAM_ID`); null in OAuth mode only. */
  readonly teamId: string | null;
  readonly staffUserIds: readonly string[];
  readonly staffChannelId: string | null;
  readonly alertsChannelId: string | null;
  readonly command: string;
  readonly apiUrl: string | null;
  /** One Slack app installed into each business's workspace; null without SLACK_CLIENT_ID. */
  readonly oauth: SlackOAuthConfig | null;
}

export interface SlackOAuthConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Signs install links; null means the owner-only file `slack-state-key` in the data folder. */
  readonly stateSecret: string | null;
  /** Encrypts bot tokens at rest; null means the owner-only file `slack-token-key` in the data folder. */
  readonly tokenKey: string | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Whether LOG_LEVEL asks for debug output; readable even when the other settings fail to load. */
export function debugLoggingRequested(env: Record<string, string | undefined> = process.env): boolean {
  return env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
}

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { readOnly?: boolean } = {},
): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Latchkey's settings have mistakes:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = prepareDataDir(e.LATCHKEY_DATA_DIR, options.readOnly ?? false);
  return {
    dataDir,
    store: e.LATCHKEY_STORE ?? `sqlite:${resolve(dataDir, 'events.sqlite')}`,
    readModels: e.LATCHKEY_READ_MODELS ?? resolve(dataDir, 'read-models.sqlite'),
    pepper: e.LATCHKEY_PEPPER ?? null,
    businessName: e.BUSINESS_NAME,
    businessLogoUrl: e.BUSINESS_LOGO_URL ?? null,
    businessContact: e.BUSINESS_CONTACT ?? null,
    port: e.PORT,
    host: e.HOST,
    publicOrigin: (e.PUBLIC_ORIGIN ?? defaultPublicOrigin(e.HOST, e.PORT)).replace(/\/+$/, ''),
    sessionSecret: e.SESSION_SECRET ?? null,
    sessionMaxAgeSeconds: e.SESSION_MAX_AGE_HOURS * 3600,
    sessionKeepSignedInSeconds: e.SESSION_KEEP_SIGNED_IN_DAYS * 24 * 3600,
    sessionIdleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_MINUTES > 0 ? e.SESSION_IDLE_TIMEOUT_MINUTES * 60 : null,
    newSignInEmail: e.NEW_SIGN_IN_EMAIL,
    trustedProxies: e.TRUSTED_PROXY ?? [],
    ipRateLimitPerMinute: e.IP_RATE_LIMIT_PER_MINUTE,
    slack: slackSettings(e),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    admin: e.ADMIN_PORT === undefined ? null : { port: e.ADMIN_PORT, host: e.ADMIN_HOST },
    tempPasswordTtlSeconds: e.TEMP_PASSWORD_TTL_DAYS * 24 * 3600,
    tempPasswordMaxFailures: e.TEMP_PASSWORD_MAX_FAILURES,
    permanentWorksWhileTempPending: e.PERMANENT_PASSWORD_WORKS_WHILE_TEMP_PENDING,
    resetLinkTtlSeconds: e.RESET_LINK_TTL_MINUTES * 60,
    recoveryEmailCooldownSeconds: e.RECOVERY_EMAIL_COOLDOWN_SECONDS,
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    loginFreeFailures: e.LOGIN_FREE_FAILURES,
    loginBackoffBaseSeconds: e.LOGIN_BACKOFF_BASE_SECONDS,
    hashingMaxConcurrent: e.HASHING_MAX_CONCURRENT,
    hashingMaxQueued: e.HASHING_MAX_QUEUED,
    businessTimeZone: e.BUSINESS_TIME_ZONE,
    businessTimeZoneSet: env.BUSINESS_TIME_ZONE !== undefined && env.BUSINESS_TIME_ZONE !== '',
    mail: mailSettings(e, dataDir),
    devMode: devMode(e),
  };
}

type Env = z.infer<typeof envSchema>;
const slackVariables = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_SOCKET_MODE',
  'SLACK_TEAM_ID',
  'SLACK_STAFF_USER_IDS',
  'SLACK_STAFF_CHANNEL_ID',
  'SLACK_ALERTS_CHANNEL_ID',
  'SLACK_COMMAND',
  'SLACK_API_URL',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_TOKEN_KEY',
] as const satisfies readonly (keyof Env)[];

/**
 * Slack is all or nothing, per mode: with none of its settings it is off; with some, every setting
 * its mode needs must be there. The single-workspace mode (`SLACK_BOT_TOKEN`, `SLACK_TEAM_ID`) and
 * OAuth mode (`SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`) may run together: the single workspace then
 * belongs to the default business and every other one is installed with OAuth.
 */
function slackSettings(e: Env): SlackConfig | null {
  const given = slackVariables.filter((name) => e[name] !== undefined);
  if (given.length === 0) return null;
  const socketMode = e.SLACK_SOCKET_MODE ?? false;
  const oauthMode = e.SLACK_CLIENT_ID !== undefined || e.SLACK_CLIENT_SECRET !== undefined;
  const singleMode = e.SLACK_BOT_TOKEN !== undefined || e.SLACK_TEAM_ID !== undefined || !oauthMode;
  const required: (keyof Env)[] = [
    ...(singleMode ? (['SLACK_BOT_TOKEN', 'SLACK_TEAM_ID'] as const) : []),
    ...(oauthMode ? (['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET'] as const) : []),
    socketMode ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET',
  ];
  const missing: string[] = required.filter((name) => e[name] === undefined);
  // The single workspace is the default business's, and its staff come from here until it records
  // its own; with OAuth installs only, each business names its staff (`business set`).
  if (singleMode && !e.SLACK_STAFF_USER_IDS?.length && !e.SLACK_STAFF_CHANNEL_ID)
    missing.push('SLACK_STAFF_USER_IDS or SLACK_STAFF_CHANNEL_ID');
  if (missing.length > 0) {
    throw new ConfigError(
      `Slack is half configured: ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. ` +
        'Set the missing ones (see docs/slack.md), or remove every SLACK_ setting to run without Slack.',
    );
  }
  if (oauthMode && socketMode)
    throw new ConfigError(
      'SLACK_CLIENT_ID (OAuth installs) needs HTTP mode: Slack sends the installer back to /slack/oauth_redirect. Remove SLACK_SOCKET_MODE.',
    );
  if (e.SLACK_ALERTS_CHANNEL_ID !== undefined && e.SLACK_BOT_TOKEN === undefined)
    throw new ConfigError(
      "SLACK_ALERTS_CHANNEL_ID is posted to with SLACK_BOT_TOKEN, the default business's workspace: set both, or remove SLACK_ALERTS_CHANNEL_ID.",
    );
  return {
    botToken: e.SLACK_BOT_TOKEN ?? null,
    signingSecret: e.SLACK_SIGNING_SECRET ?? null,
    socketMode,
    appToken: e.SLACK_APP_TOKEN ?? null,
    teamId: e.SLACK_TEAM_ID ?? null,
    staffUserIds: e.SLACK_STAFF_USER_IDS ?? [],
    staffChannelId: e.SLACK_STAFF_CHANNEL_ID ?? null,
    alertsChannelId: e.SLACK_ALERTS_CHANNEL_ID ?? null,
    command: e.SLACK_COMMAND ?? '/clients',
    apiUrl: e.SLACK_API_URL ?? null,
    oauth:
      e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET
        ? {
            clientId: e.SLACK_CLIENT_ID,
            clientSecret: e.SLACK_CLIENT_SECRET,
            stateSecret: e.SLACK_STATE_SECRET ?? null,
            tokenKey: e.SLACK_TOKEN_KEY ?? null,
          }
        : null,
  };
}

const mailgunRegionUrls = { us: 'https://api.mailgun.net', eu: 'https://api.eu.mailgun.net' } as const;

function mailSettings(e: Env, dataDir: string): MailConfig {
  let mailgun: MailConfig['mailgun'] = null;
  if (e.MAIL_TRANSPORT === 'mailgun') {
    const missing = (['MAILGUN_API_KEY', 'MAILGUN_DOMAIN'] as const).filter((name) => e[name] === undefined);
    if (missing.length > 0 || !e.MAILGUN_API_KEY || !e.MAILGUN_DOMAIN) {
      throw new ConfigError(
        `MAIL_TRANSPORT=mailgun needs ${missing.join(' and ')}. Set ${missing.length === 1 ? 'it' : 'them'} (see docs/mail.md), or use MAIL_TRANSPORT=outbox.`,
      );
    }
    mailgun = {
      apiKey: e.MAILGUN_API_KEY,
      domain: e.MAILGUN_DOMAIN,
      url: (e.MAILGUN_URL ?? mailgunRegionUrls[e.MAILGUN_REGION]).replace(/\/+$/, ''),
    };
  }
  const senderName = e.BUSINESS_NAME.replace(/["\\]/g, '');
  return {
    transport: e.MAIL_TRANSPORT,
    mailgun,
    from: e.MAIL_FROM ?? `"${senderName}" <no-reply@${mailgun?.domain ?? 'localhost'}>`,
    replyTo: e.MAIL_REPLY_TO ?? null,
    webhookSigningKey: e.MAILGUN_WEBHOOK_SIGNING_KEY ?? null,
    templatesDir: resolve(e.MAIL_TEMPLATES_DIR ?? packageFile('templates/email')),
    outboxDir: resolve(dataDir, 'outbox'),
    relayEnabled: e.MAIL_RELAY,
    requestMaxAgeSeconds: e.MAIL_REQUEST_MAX_AGE_HOURS * 3600,
    retryWindowSeconds: e.MAIL_RETRY_MAX_HOURS * 3600,
    credentialsResendCooldownSeconds: e.CREDENTIALS_RESEND_COOLDOWN_HOURS * 3600,
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The outbox page shows whole messages, temporary passwords and reset links included, to anyone
 * who can reach it: only when the site is served to this machine alone. A loopback HOST is not
 * enough, since a reverse proxy on the same machine would carry the page to the world.
 */
function devMode(e: Env): boolean {
  const local =
    isLoopbackHost(e.HOST) &&
    (e.PUBLIC_ORIGIN === undefined || isLoopbackHost(new URL(e.PUBLIC_ORIGIN).hostname.replace(/^\[|\]$/g, ''))) &&
    !e.TRUSTED_PROXY;
  if (e.DEV_MODE && !local) {
    throw new ConfigError(
      'DEV_MODE: the dev outbox shows temporary passwords to anyone who can open it; it is allowed only when HOST and PUBLIC_ORIGIN are loopback addresses and no TRUSTED_PROXY is set.',
    );
  }
  return e.DEV_MODE ?? (e.MAIL_TRANSPORT === 'outbox' && local);
}

/**
 * Without PUBLIC_ORIGIN the site is where it listens when that is one loopback address
 * (`http://127.0.0.1:3000` by default), so the address the start-up line names is the one that
 * answers; `localhost` and the other loopback names on that port are sent there. Listening on
 * every interface, it is `http://localhost:<port>`.
 */
function defaultPublicOrigin(host: string, port: number): string {
  if (!isLoopbackHost(host)) return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The default folder (./data) is made on first start so the quick start needs no set-up; a
 * folder named explicitly must already exist, because a typo should not scatter data elsewhere.
 */
function prepareDataDir(configured: string | undefined, readOnly: boolean): string {
  const dir = resolve(configured ?? 'data');
  if (!existsSync(dir)) {
    if (configured)
      throw new ConfigError(`LATCHKEY_DATA_DIR: the folder ${dir} does not exist. Create it or fix the path.`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  if (!statSync(dir).isDirectory())
    throw new ConfigError(
      `LATCHKEY_DATA_DIR: ${dir} is a file, not a folder. Point it at a folder, or move the file away.`,
    );
  try {
    // An auditor reading a backup or a read-only copy needs to read the folder, not write it.
    accessSync(dir, readOnly ? constants.R_OK : constants.W_OK | constants.R_OK);
  } catch {
    throw new ConfigError(
      `LATCHKEY_DATA_DIR: the folder ${dir} is not writable by this user. Fix its permissions or choose another.`,
    );
  }
  return dir;
}
