import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  checkMailTemplates,
  formatMailDateTime,
  formatMailDuration,
  MailTemplateError,
  renderMail,
  type MailView,
} from '../../src/mail/templates.ts';

const shippedTemplates = loadConfig({ LATCHKEY_DATA_DIR: tmpdir() }).mail.templatesDir;

const credentials = (firstName: string, businessContact: string | null = null): MailView => ({
  template: 'client-login-credentials',
  view: {
    businessName: 'Paws & Claws',
    businessContact,
    firstName,
    loginUrl: 'https://portal.example/login?from=email&x=1',
    forgotPasswordUrl: 'https://portal.example/forgot-password',
    userName: 'zoe@example.com',
    temporaryPassword: 'lantern-pebble-oyster-mango-47293',
    expiresAt: 'Tuesday, March 10, 2026 at 2:00 PM UTC',
  },
});

describe('email templates', () => {
  it('the shipped templates are all present and parse', () => {
    expect(() => checkMailTemplates(shippedTemplates)).not.toThrow();
  });

  it('escapes values in the HTML part and leaves the plain-text part and subject as typed', () => {
    const rendered = renderMail(shippedTemplates, credentials('<script>alert("hi")</script> Zoë'));
    expect(rendered.html).toContain('Hello &lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; Zoë,');
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.html).toContain('href="https://portal.example/login?from=email&amp;x=1"');
    expect(rendered.text).toContain('Hello <script>alert("hi")</script> Zoë,');
    expect(rendered.text).toContain('Log in here: https://portal.example/login?from=email&x=1');
    expect(rendered.subject).toBe('Your Paws & Claws client portal login');
  });

  it('shows the business contact only when one is configured', () => {
    expect(renderMail(shippedTemplates, credentials('Zoë')).text).not.toContain('Questions?');
    expect(renderMail(shippedTemplates, credentials('Zoë', '555-0100')).text).toContain(
      'Questions? Contact us: 555-0100',
    );
  });

  describe('edited by the business', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'latchkey-templates-'));
      cpSync(shippedTemplates, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('an edit takes effect at the next email, and a subject is always one line', () => {
      writeFileSync(join(dir, 'client-login-credentials.subject.txt'), 'Welcome aboard,\n{{firstName}}!\n');
      expect(renderMail(dir, credentials('Zoë')).subject).toBe('Welcome aboard, Zoë!');
    });

    it('a broken or missing template is reported by file name before any mail is due', () => {
      writeFileSync(join(dir, 'password-reset.html'), '<p>{{#resetUrl}}unclosed</p>');
      rmSync(join(dir, 'password-changed.txt'));
      expect(() => checkMailTemplates(dir)).toThrow(MailTemplateError);
      expect(() => checkMailTemplates(dir)).toThrow(
        /password-reset\.html: Unclosed section "resetUrl"[\s\S]*password-changed\.txt: the email template .* is missing/,
      );
    });
  });

  it('formats times in the business time zone and durations in words', () => {
    expect(formatMailDateTime('2026-03-10T14:00:00.000Z', 'UTC')).toBe('Tuesday, March 10, 2026 at 2:00 PM UTC');
    expect(formatMailDateTime('2026-03-10T14:00:00.000Z', 'America/New_York')).toBe(
      'Tuesday, March 10, 2026 at 10:00 AM EDT',
    );
    expect([3600, 5400, 60, 86_400, 7 * 86_400].map(formatMailDuration)).toEqual([
      '1 hour',
      '90 minutes',
      '1 minute',
      '24 hours',
      '7 days',
    ]);
  });
});
