import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const base = { LATCHKEY_DATA_DIR: tmpdir() };
const mailgun = {
  ...base,
  MAIL_TRANSPORT: 'mailgun',
  MAILGUN_API_KEY: 'key-0123456789abcdef',
  MAILGUN_DOMAIN: 'mg.happypaws.example',
};

describe('mail settings', () => {
  it('default to the dev outbox under the data folder, with dev mode on for a server on this machine', () => {
    const config = loadConfig(base);
    expect(config.mail).toMatchObject({
      transport: 'outbox',
      mailgun: null,
      from: '"Happy Paws Pet Sitting" <no-reply@localhost>',
      relayEnabled: true,
      requestMaxAgeSeconds: 86_400,
    });
    expect(config.mail.outboxDir).toBe(`${config.dataDir}/outbox`);
    expect(config.devMode).toBe(true);
  });

  it('turn dev mode off behind a public origin or a trusted proxy, and refuse to force it on there', () => {
    expect(loadConfig({ ...base, PUBLIC_ORIGIN: 'https://login.happypaws.example' }).devMode).toBe(false);
    expect(loadConfig({ ...base, TRUSTED_PROXY: '127.0.0.1' }).devMode).toBe(false);
    expect(loadConfig({ ...base, PUBLIC_ORIGIN: 'http://127.0.0.1:3000' }).devMode).toBe(true);
    expect(() => loadConfig({ ...base, PUBLIC_ORIGIN: 'https://login.happypaws.example', DEV_MODE: 'true' })).toThrow(
      /DEV_MODE: the dev outbox shows temporary passwords/,
    );
  });

  it('Mailgun needs its key and domain, and says so by name', () => {
    expect(() => loadConfig({ ...base, MAIL_TRANSPORT: 'mailgun' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, MAIL_TRANSPORT: 'mailgun' })).toThrow(
      'MAIL_TRANSPORT=mailgun needs MAILGUN_API_KEY and MAILGUN_DOMAIN',
    );
  });

  it('picks the API address from the region, or takes MAILGUN_URL as given; dev mode is off', () => {
    expect(loadConfig(mailgun).mail.mailgun?.url).toBe('https://api.mailgun.net');
    expect(loadConfig({ ...mailgun, MAILGUN_REGION: 'eu' }).mail.mailgun?.url).toBe('https://api.eu.mailgun.net');
    expect(loadConfig({ ...mailgun, MAILGUN_URL: 'http://127.0.0.1:9999/' }).mail.mailgun?.url).toBe(
      'http://127.0.0.1:9999',
    );
    expect(loadConfig(mailgun).mail.from).toBe('"Happy Paws Pet Sitting" <no-reply@mg.happypaws.example>');
    expect(loadConfig(mailgun).devMode).toBe(false);
  });

  it('refuses a bad region, sender, time zone or age with the variable named', () => {
    expect(() => loadConfig({ ...base, MAILGUN_REGION: 'asia' })).toThrow(/MAILGUN_REGION: use us or eu/);
    expect(() => loadConfig({ ...base, MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM: use an address/);
    expect(() => loadConfig({ ...base, BUSINESS_TIME_ZONE: 'Mars/Olympus' })).toThrow(
      /BUSINESS_TIME_ZONE: use a time zone name/,
    );
    expect(() => loadConfig({ ...base, MAIL_REQUEST_MAX_AGE_HOURS: '0' })).toThrow(/MAIL_REQUEST_MAX_AGE_HOURS/);
  });
});
