import { z } from 'zod';

/**
 * What a business decides for itself, recorded as events on its own stream: how it is named and
 * reached, and the credential rules its clients live by. What belongs to the deployment (the
 * store, the pepper, ports, Mailgun's API key) stays in the environment.
 */
export interface BusinessSettings {
  readonly name: string;
  readonly logoUrl: string | null;
  readonly contact: string | null;
  readonly timeZone: string;
  /** Scheme, host and port only, as browsers send it in Origin: `https://login.happypaws.example`. */
  readonly publicOrigin: string;
  readonly tempPasswordTtlDays: number;
  /** Wrong tries that burn a pending temporary password (the business's rule; 1 by default). */
  readonly tempPasswordMaxFailures: number;
  readonly passwordMinLength: number;
  readonly recoveryCooldownSeconds: number;
  readonly mailFrom: string | null;
  readonly mailReplyTo: string | null;
  readonly mailgunDomain: string | null;
  /** Slack member ids of the business's own workspace allowed to act, besides the staff channel's members. */
  readonly slackStaffUserIds: readonly string[] | null;
  /** A channel of the business's workspace whose members are staff. */
  readonly slackStaffChannel: string | null;
  /** The channel of the business's workspace its staff alerts are posted to; none posts nothing. */
  readonly slackAlertsChannel: string | null;
}

/** The Slack settings, which a business registered before they existed did not record. */
export const slackSettingNames = ['slackStaffUserIds', 'slackStaffChannel', 'slackAlertsChannel'] as const;
export type SlackSettingName = (typeof slackSettingNames)[number];
export const noSlackSettings: Pick<BusinessSettings, SlackSettingName> = {
  slackStaffUserIds: null,
  slackStaffChannel: null,
  slackAlertsChannel: null,
};

export type BusinessSettingName = keyof BusinessSettings;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const wholeNumber = (min: number, max: number, advice: string) =>
  z.coerce.number({ error: 'use a whole number' }).int('use a whole number').min(min, advice).max(max, advice);
const optionalText = <T extends z.ZodType<string>>(schema: T) =>
  z.union([z.literal('').transform(() => null), schema]).nullable();
const slackChannel = optionalText(
  z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'use a channel id, like C0123ABCD (channel details → About)'),
);
/** A setting written as a list separated by commas; every entry must pass `valid`, or `advice` is the error. */
export const commaSeparated = (valid: (entry: string) => boolean, advice: string) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((entries) => entries.every(valid), advice);

export const isSlackMemberId = (id: string): boolean => /^[UW][A-Z0-9]{2,}$/.test(id);
export const slackMemberIdsAdvice = 'use Slack member ids separated by commas, like U0123ABCD,U0456EFGH';

const slackMemberIds = commaSeparated(isSlackMemberId, slackMemberIdsAdvice)
  .transform((ids): readonly string[] | null => (ids.length > 0 ? [...new Set(ids)] : null))
  .nullable();

/** The one check of each setting, shared by the environment (the first business) and `business set`. */
export const businessSettingSchemas = {
  name: z.string().trim().min(1, 'use a name of 1 to 100 characters').max(100, 'use a name of 1 to 100 characters'),
  logoUrl: optionalText(
    z
      .string()
      .regex(/^(https:\/\/[^\s"']+|\/[^\s"']*)$/, 'use an https:// address or a path on this site starting with /'),
  ),
  contact: optionalText(z.string().trim().max(200, 'use at most 200 characters')),
  timeZone: z.string().refine(isTimeZone, 'use a time zone name, like Europe/London or America/New_York'),
  publicOrigin: z.string().transform((value, context) => {
    const origin = toOrigin(value);
    if (origin === null) {
      context.addIssue({
        code: 'custom',
        message: 'use the site address clients see, like https://login.happypaws.example (no path)',
      });
      return z.NEVER;
    }
    return origin;
  }),
  tempPasswordTtlDays: wholeNumber(1, 90, 'use 1 to 90 days'),
  tempPasswordMaxFailures: wholeNumber(1, 10, 'use 1 to 10'),
  passwordMinLength: wholeNumber(8, 64, 'use 8 to 64'),
  recoveryCooldownSeconds: wholeNumber(0, 24 * 3600, 'use 0 to 86400 seconds'),
  mailFrom: optionalText(
    z
      .string()
      .regex(
        /^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
        'use an address, like "Happy Paws <hello@example.com>"',
      ),
  ),
  mailReplyTo: optionalText(z.email({ error: 'use one email address, like office@example.com' })),
  mailgunDomain: optionalText(
    z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'use the sending domain, like mg.example.com'),
  ),
  slackStaffUserIds: slackMemberIds,
  slackStaffChannel: slackChannel,
  slackAlertsChannel: slackChannel,
} satisfies { readonly [K in BusinessSettingName]: z.ZodType<BusinessSettings[K], unknown> };

/**
 * The normalised origin of an address (lower-case host, default port dropped), or null when it is
 * not a plain http(s) origin. Plain http is accepted only for loopback names, for the demo.
 */
export function toOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return null;
  }
  if (url.protocol === 'https:') return url.origin;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url.origin;
  return null;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
}

/** The names staff type (`time-zone`), as the CLI and Slack show them. */
export const businessSettingKeys: { readonly [K in BusinessSettingName]: string } = {
  name: 'name',
  logoUrl: 'logo-url',
  contact: 'contact',
  timeZone: 'time-zone',
  publicOrigin: 'origin',
  tempPasswordTtlDays: 'temp-password-ttl-days',
  tempPasswordMaxFailures: 'temp-password-max-failures',
  passwordMinLength: 'password-min-length',
  recoveryCooldownSeconds: 'recovery-cooldown-seconds',
  mailFrom: 'mail-from',
  mailReplyTo: 'mail-reply-to',
  mailgunDomain: 'mailgun-domain',
  slackStaffUserIds: 'slack-staff-user-ids',
  slackStaffChannel: 'slack-staff-channel',
  slackAlertsChannel: 'slack-alerts-channel',
};

const settingByKey = new Map(
  (Object.entries(businessSettingKeys) as [BusinessSettingName, string][]).map(([name, key]) => [key, name]),
);

export type SettingsParse =
  | { readonly ok: true; readonly changes: Partial<BusinessSettings> }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Reads `key=value` pairs as staff type them. Every mistake is listed, by its key, and a list
 * with any mistake changes nothing. An empty value clears an optional setting.
 */
export function parseSettingAssignments(assignments: readonly string[]): SettingsParse {
  const changes: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    const key = equals < 0 ? assignment : assignment.slice(0, equals);
    const name = settingByKey.get(key.trim());
    if (equals < 0 || name === undefined) {
      errors.push(
        name === undefined
          ? `${key}: not a business setting (use one of ${[...settingByKey.keys()].join(', ')})`
          : `${key}: give a value, like ${key}=…`,
      );
      continue;
    }
    if (Object.hasOwn(changes, name)) {
      errors.push(`${key}: given twice`);
      continue;
    }
    const parsed = businessSettingSchemas[name].safeParse(assignment.slice(equals + 1).trim());
    if (parsed.success) changes[name] = parsed.data;
    else errors.push(`${key}: ${parsed.error.issues[0]?.message ?? 'not a valid value'}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, changes: changes as Partial<BusinessSettings> };
}

/** The settings that differ, so setting a value to what it already is records nothing. */
export function changedSettings(
  before: BusinessSettings,
  requested: Partial<BusinessSettings>,
): Partial<BusinessSettings> {
  const changes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(requested) as [BusinessSettingName, unknown][]) {
    if (!sameSetting(before[name], value)) changes[name] = value;
  }
  return changes as Partial<BusinessSettings>;
}

/** Settings are plain values, or a list of ids (whose order staff give does not matter). */
function sameSetting(before: unknown, after: unknown): boolean {
  if (Array.isArray(before) && Array.isArray(after))
    return before.length === after.length && after.every((item) => before.includes(item));
  return before === after;
}

/** A business's settings with the Slack ones it never recorded read as none (settings recorded before they existed). */
export function withSlackSettings(
  settings: Omit<BusinessSettings, SlackSettingName> & Partial<Pick<BusinessSettings, SlackSettingName>>,
): BusinessSettings {
  return { ...noSlackSettings, ...settings };
}
