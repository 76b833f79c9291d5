import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'latchkey-slack-config-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = (env: Record<string, string>) => loadConfig({ LATCHKEY_DATA_DIR: dir, ...env });
const complete = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-3',
  SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
  SLACK_TEAM_ID: 'T0TEAM',
  SLACK_STAFF_USER_IDS: 'U0A, U0B',
};

describe('Slack settings', () => {
  it('leave Slack off when none is set', () => {
    expect(load({}).slack).toBeNull();
  });

  it('are read with their defaults when the required ones are set', () => {
    expect(load(complete).slack).toEqual({
      botToken: 'xoxb-1-2-3',
      signingSecret: '0123456789abcdef0123456789abcdef',
      socketMode: false,
      appToken: null,
      teamId: 'T0TEAM',
      staffUserIds: ['U0A', 'U0B'],
      staffChannelId: null,
      alertsChannelId: null,
      command: '/clients',
      apiUrl: null,
      oauth: null,
    });
  });

  it('refuse to start half configured, naming what is missing', () => {
    expect(() => load({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(ConfigError);
    expect(() => load({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      /SLACK_TEAM_ID, SLACK_SIGNING_SECRET, SLACK_STAFF_USER_IDS or SLACK_STAFF_CHANNEL_ID are missing/,
    );
  });

  it('need an app token instead of a signing secret in Socket Mode', () => {
    const { SLACK_SIGNING_SECRET: _, ...withoutSecret } = complete;
    expect(() => load({ ...withoutSecret, SLACK_SOCKET_MODE: 'true' })).toThrow(/SLACK_APP_TOKEN is missing/);
    expect(load({ ...withoutSecret, SLACK_SOCKET_MODE: 'true', SLACK_APP_TOKEN: 'xapp-1' }).slack).toMatchObject({
      socketMode: true,
      appToken: 'xapp-1',
      signingSecret: null,
    });
  });

  it('say what is wrong with a malformed value', () => {
    expect(() => load({ ...complete, SLACK_BOT_TOKEN: 'xoxp-user-token' })).toThrow(
      /SLACK_BOT_TOKEN: use the Bot User OAuth Token/,
    );
    expect(() => load({ ...complete, SLACK_STAFF_CHANNEL_ID: '#staff' })).toThrow(
      /SLACK_STAFF_CHANNEL_ID: use a channel id/,
    );
    expect(() => load({ ...complete, SLACK_COMMAND: 'clients' })).toThrow(/SLACK_COMMAND/);
  });
});

describe('Slack OAuth settings', () => {
  const oauth = {
    SLACK_CLIENT_ID: '1111111111.2222222222',
    SLACK_CLIENT_SECRET: 'client-secret-0123456789abcdef',
    SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
    SLACK_STAFF_USER_IDS: 'U0A',
  };

  it('turn on OAuth installs without a single workspace token', () => {
    expect(load(oauth).slack).toMatchObject({
      botToken: null,
      teamId: null,
      oauth: {
        clientId: oauth.SLACK_CLIENT_ID,
        clientSecret: oauth.SLACK_CLIENT_SECRET,
        stateSecret: null,
        tokenKey: null,
      },
    });
  });

  it('need no deployment-wide staff: each installed business records its own', () => {
    const { SLACK_STAFF_USER_IDS: _, ...withoutStaff } = oauth;
    expect(load(withoutStaff).slack).toMatchObject({ staffUserIds: [], staffChannelId: null });
    expect(() => load({ ...complete, ...withoutStaff, SLACK_STAFF_USER_IDS: '' })).toThrow(
      /SLACK_STAFF_USER_IDS or SLACK_STAFF_CHANNEL_ID/,
    );
  });

  it('run beside the single workspace, which stays the default business', () => {
    expect(load({ ...complete, ...oauth }).slack).toMatchObject({ botToken: 'xoxb-1-2-3', teamId: 'T0TEAM' });
  });

  it('refuse a client id without its secret and signing secret, naming them', () => {
    expect(() => load({ SLACK_CLIENT_ID: oauth.SLACK_CLIENT_ID, SLACK_STAFF_USER_IDS: 'U0A' })).toThrow(
      /SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET are missing/,
    );
  });

  it('refuse Socket Mode, alerts without the single token, and a token key that is not 32 bytes', () => {
    expect(() => load({ ...oauth, SLACK_SOCKET_MODE: 'true', SLACK_APP_TOKEN: 'xapp-1' })).toThrow(/needs HTTP mode/);
    expect(() => load({ ...oauth, SLACK_ALERTS_CHANNEL_ID: 'C0ALERTS' })).toThrow(/SLACK_ALERTS_CHANNEL_ID/);
    expect(() => load({ ...oauth, SLACK_TOKEN_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /SLACK_TOKEN_KEY: use 32 random bytes/,
    );
    expect(load({ ...oauth, SLACK_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64') }).slack?.oauth?.tokenKey).toBe(
      Buffer.alloc(32, 7).toString('base64'),
    );
    expect(() => load({ ...oauth, SLACK_CLIENT_ID: 'abc' })).toThrow(/SLACK_CLIENT_ID: copy the Client ID/);
  });
});

describe('the Slack app manifest', () => {
  it('points the command, interactivity and events at /slack/events, with the Home tab and the scopes the bot uses', async () => {
    const { readFileSync } = await import('node:fs');
    const manifest = readFileSync(new URL('../../slack-manifest.yml', import.meta.url), 'utf8');
    expect(manifest.match(/url: https:\/\/latchkey\.example\.com\/slack\/events/g)).toHaveLength(3);
    expect(manifest).toContain('command: /clients');
    expect(manifest).toContain('home_tab_enabled: true');
    expect(manifest).toContain('- app_home_opened');
    for (const scope of ['commands', 'chat:write', 'channels:read', 'groups:read'])
      expect(manifest).toContain(`- ${scope}\n`);
  });
});
