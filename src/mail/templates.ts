import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import type { MailTemplate } from '../domain/mail.ts';
import { checkTemplateSource, templateContracts } from './template-contracts.ts';

/**
 * Email templates live in `templates/email/<name>.{subject.txt,txt,html}` so the business can
 * reword them without touching code. They are looked at for each send (and read again when a
 * file changed), so an edit takes effect at once; Mustache escapes every value in the HTML part,
 * and nothing in the plain-text parts.
 */
export const mailTemplates: readonly MailTemplate[] = [
  'client-login-credentials',
  'password-reset',
  'forgotten-user-name',
  'password-changed',
  'new-sign-in',
];

interface CommonView {
  readonly businessName: string;
  readonly businessContact: string | null;
  /** BUSINESS_LOGO_URL, shown at the top when set. */
  readonly logoUrl: string | null;
  /** "one mistyped attempt", from TEMP_PASSWORD_MAX_FAILURES. */
  readonly mistypesAllowed: string;
  readonly firstName: string;
  readonly loginUrl: string;
  readonly forgotPasswordUrl: string;
}

export type MailView =
  | {
      readonly template: 'client-login-credentials';
      readonly view: CommonView & {
        readonly userName: string;
        readonly temporaryPassword: string;
        readonly expiresAt: string;
      };
    }
  | {
      readonly template: 'password-reset';
      readonly view: CommonView & { readonly userName: string; readonly resetUrl: string; readonly validFor: string };
    }
  | { readonly template: 'forgotten-user-name'; readonly view: CommonView & { readonly userNames: readonly string[] } }
  | {
      readonly template: 'password-changed';
      readonly view: CommonView & { readonly userName: string; readonly changedAt: string };
    }
  | {
      readonly template: 'new-sign-in';
      readonly view: CommonView & { readonly userName: string; readonly device: string; readonly signedInAt: string };
    };

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export class MailTemplateError extends Error {
  override readonly name = 'MailTemplateError';
}

const parts = { subject: 'subject.txt', text: 'txt', html: 'html' } as const;
const noEscaping = { escape: (value: unknown) => String(value) };
// The characters that matter in HTML text and quoted attributes; Mustache's default also rewrites
// every '/' and '=', which is harmless but makes links unreadable in the message source.
const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};
const htmlEscaping = { escape: (value: unknown) => String(value).replace(/[&<>"'`]/g, (c) => htmlEntities[c]!) };

// A template's check depends only on its text: each edit is checked once, not at every email.
const checkedSources = new Map<string, string[]>();

/** One template's three parts, read and checked against its contract: what a render needs. */
export interface LoadedMailTemplate {
  readonly template: MailTemplate;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Reads a template's parts (afresh when a file changed, so an edit takes effect at once) and
 * checks each against its contract: an edit that breaks one is refused, never sent.
 */
export function loadMailTemplate(templatesDir: string, template: MailTemplate): LoadedMailTemplate {
  const texts = {
    subject: readTemplate(templatesDir, template, 'subject'),
    text: readTemplate(templatesDir, template, 'text'),
    html: readTemplate(templatesDir, template, 'html'),
  };
  // Unchanged files give back the very strings read before: the same, already checked, template.
  const cacheKey = `${templatesDir}\0${template}`;
  const known = loadedTemplates.get(cacheKey);
  if (known && known.subject === texts.subject && known.text === texts.text && known.html === texts.html) return known;
  for (const part of Object.keys(parts) as (keyof typeof parts)[]) {
    const file = join(templatesDir, `${template}.${parts[part]}`);
    const key = `${file}\0${texts[part]}`;
    const problems =
      checkedSources.get(key) ?? checkTemplateSource(file, texts[part], templateContracts[template], part);
    if (checkedSources.size < 100) checkedSources.set(key, problems);
    if (problems.length > 0)
      throw new MailTemplateError(`the email template has problems:\n  ${problems.join('\n  ')}`);
  }
  const loaded: LoadedMailTemplate = { template, ...texts };
  if (loadedTemplates.size >= 100) loadedTemplates.clear();
  loadedTemplates.set(cacheKey, loaded);
  return loaded;
}

const loadedTemplates = new Map<string, LoadedMailTemplate>();

/** Renders loaded parts; Mustache keeps each text's parse, so a render is the substitution alone. */
export function renderLoadedMail(loaded: LoadedMailTemplate, mail: MailView): RenderedMail {
  if (loaded.template !== mail.template)
    throw new Error(`the ${loaded.template} template cannot render a ${mail.template} email`);
  const rendered = {
    subject: Mustache.render(loaded.subject, mail.view, {}, noEscaping).replace(/\s+/g, ' ').trim(),
    text: Mustache.render(loaded.text, mail.view, {}, noEscaping),
    html: Mustache.render(loaded.html, mail.view, {}, htmlEscaping),
  };
  renderedTemplates.add(loaded);
  return rendered;
}

// Templates (all three parts) that have rendered once: a render depends only on the text (the
// view holds plain values), so a text that rendered once renders again.
const renderedTemplates = new WeakSet<LoadedMailTemplate>();

/**
 * Whether these parts have rendered before, with any view; the relay test-renders a secret-bearing
 * template with a stand-in before minting only when they have not.
 */
export function hasRenderedBefore(loaded: LoadedMailTemplate): boolean {
  return renderedTemplates.has(loaded);
}

/** Reads, checks and renders one email from the templates as they are on disk now. */
export function renderMail(templatesDir: string, mail: MailView): RenderedMail {
  return renderLoadedMail(loadMailTemplate(templatesDir, mail.template), mail);
}

/** Every problem in the templates named (all of them when none is), each with its file and line. */
export function listMailTemplateProblems(templatesDir: string, only?: MailTemplate): string[] {
  const problems: string[] = [];
  for (const template of only ? [only] : mailTemplates) {
    for (const part of Object.keys(parts) as (keyof typeof parts)[]) {
      const file = join(templatesDir, `${template}.${parts[part]}`);
      try {
        problems.push(
          ...checkTemplateSource(file, readTemplate(templatesDir, template, part), templateContracts[template], part),
        );
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  return problems;
}

/** Run at start-up so a missing or broken template is reported before any mail is due. */
export function checkMailTemplates(templatesDir: string): void {
  const problems = listMailTemplateProblems(templatesDir);
  if (problems.length > 0)
    throw new MailTemplateError(`Email templates in ${templatesDir} have problems:\n  ${problems.join('\n  ')}`);
}

// A file's text, kept while its inode, size and change time (nanoseconds) stay the same: any write
// to it moves the change time, so an edit is read at the next email, and an unchanged file costs
// one stat instead of a read.
const readTexts = new Map<string, { readonly version: string; readonly text: string }>();

function readTemplate(templatesDir: string, template: MailTemplate, part: keyof typeof parts): string {
  const file = join(templatesDir, `${template}.${parts[part]}`);
  try {
    const stat = statSync(file, { bigint: true });
    const version = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    const known = readTexts.get(file);
    if (known?.version === version) return known.text;
    const text = readFileSync(file, 'utf8');
    if (readTexts.size >= 100) readTexts.clear();
    readTexts.set(file, { version, text });
    return text;
  } catch {
    throw new MailTemplateError(
      `the email template ${file} is missing or unreadable (MAIL_TEMPLATES_DIR is ${templatesDir})`,
    );
  }
}

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone, kept.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** "Tuesday, March 10, 2026 at 2:00 PM UTC", in the business's time zone. */
export function formatMailDateTime(iso: string, timeZone: string): string {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      weekday: 'long',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    dateTimeFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

/** "1 hour", "90 minutes", "2 days". */
export function formatMailDuration(seconds: number): string {
  const unit = (count: number, name: string) => `${count} ${name}${count === 1 ? '' : 's'}`;
  if (seconds % 86_400 === 0 && seconds >= 2 * 86_400) return unit(seconds / 86_400, 'day');
  if (seconds % 3_600 === 0) return unit(seconds / 3_600, 'hour');
  return unit(Math.max(1, Math.round(seconds / 60)), 'minute');
}
