import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { mistypesAllowedText } from '../../src/mail/compose.ts';
import {
  checkMailTemplates,
  formatMailDateTime,
  formatMailDuration,
  listMailTemplateProblems,
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
    logoUrl: null,
    mistypesAllowed: 'one mistyped attempt',
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
        /password-reset\.html line 1: Unclosed section "resetUrl"[\s\S]*password-changed\.txt is missing/,
      );
    });

    it('a template that drops what its email must show is refused, naming the file', () => {
      const html = readFileSync(join(dir, 'client-login-credentials.html'), 'utf8');
      writeFileSync(join(dir, 'client-login-credentials.html'), html.replace('{{temporaryPassword}}', ''));
      expect(listMailTemplateProblems(dir)).toEqual([
        `${join(dir, 'client-login-credentials.html')}: {{temporaryPassword}} is missing; this email must show it`,
      ]);
      expect(() => renderMail(dir, credentials('Zoë'))).toThrow(MailTemplateError);
    });

    it('a placeholder the email does not have is refused with its file and line', () => {
      writeFileSync(
        join(dir, 'password-reset.txt'),
        'Hello {{firstName}},\n\nOpen {{resetUrl}}\nwithin {{validFor}}.\nYour password: {{temporaryPassword}}\n',
      );
      expect(listMailTemplateProblems(dir, 'password-reset')).toEqual([
        expect.stringMatching(
          /password-reset\.txt line 5: \{\{temporaryPassword\}\} is not a placeholder this email has \(it can use .*resetUrl/,
        ),
      ]);
    });
  });

  it('the shipped credentials email says truthfully when a mistyped password stops working', () => {
    const once = renderMail(shippedTemplates, credentials('Zoë'));
    expect(once.text).toContain('stops working\nafter one mistyped attempt');
    expect(once.text).not.toContain('erased');
    const three = renderMail(shippedTemplates, {
      ...credentials('Zoë'),
      view: { ...credentials('Zoë').view, mistypesAllowed: mistypesAllowedText(3) },
    } as MailView);
    expect(three.html).toContain('stops working after 3 mistyped attempts');
  });

  it('the shipped HTML has a title, a preheader, a width-limited table layout, the logo and the forgot-password link', () => {
    const view = { ...credentials('Zoë').view, logoUrl: 'https://cdn.example/logo.png' };
    const { html } = renderMail(shippedTemplates, { template: 'client-login-credentials', view } as MailView);
    expect(html).toContain('<title>Your Paws &amp; Claws client portal login</title>');
    expect(html).toMatch(/<div style="display: none;[^"]*">Your user name and temporary password/);
    expect(html).toContain('max-width: 600px');
    expect(html).toContain('<img src="https://cdn.example/logo.png" alt="Paws &amp; Claws"');
    expect(html).toContain('href="https://portal.example/forgot-password"');
    expect(html).not.toMatch(/<style|class="/);
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
