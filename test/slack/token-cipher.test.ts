import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenCipher, TokenUnreadableError } from '../../src/slack/oauth/token-cipher.ts';
import { openSlackInstallations } from '../../src/slack/oauth/installation-store.ts';

const binding = { teamId: 'T0HAPPY', businessId: 'happypaws' };
const token = 'xoxb-1234-5678-secret';

describe('the bot token cipher', () => {
  it('opens what it sealed, with a new IV each time', () => {
    const cipher = createTokenCipher(randomBytes(32));
    const first = cipher.seal(token, binding);
    const second = cipher.seal(token, binding);
    expect(first.iv).toHaveLength(12);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(first.ciphertext.includes(Buffer.from(token))).toBe(false);
    expect(cipher.open(first, binding)).toBe(token);
  });

  it('refuses another key, a changed byte, or another team or business', () => {
    const key = randomBytes(32);
    const sealed = createTokenCipher(key).seal(token, binding);
    const cipher = createTokenCipher(key);
    expect(() => createTokenCipher(randomBytes(32)).open(sealed, binding)).toThrow(TokenUnreadableError);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0]! ^= 1;
    expect(() => cipher.open({ ...sealed, ciphertext: flipped }, binding)).toThrow(TokenUnreadableError);
    expect(() => cipher.open({ ...sealed, tag: randomBytes(16) }, binding)).toThrow(TokenUnreadableError);
    expect(() => cipher.open(sealed, { ...binding, teamId: 'T0OTHER' })).toThrow(TokenUnreadableError);
    expect(() => cipher.open(sealed, { ...binding, businessId: 'waggingtails' })).toThrow(/cannot be decrypted/);
  });

  it('needs a 32-byte key', () => {
    expect(() => createTokenCipher(randomBytes(16))).toThrow(/exactly 32/);
  });
});

describe('the installation store', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'latchkey-slack-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const installation = {
    team: { id: 'T0HAPPY', name: 'Paws HQ' },
    enterprise: undefined,
    user: { id: 'U0OWNER', token: undefined, scopes: undefined },
    bot: { token, scopes: ['commands', 'chat:write'], id: 'B0BOT', userId: 'U0BOT' },
    isEnterpriseInstall: false as const,
    authVersion: 'v2' as const,
    metadata: 'happypaws',
  };
  const query = { teamId: 'T0HAPPY', enterpriseId: undefined, isEnterpriseInstall: false as const };

  it('gives back the installation with its token, and forgets it when deleted', async () => {
    const store = openSlackInstallations(join(dir, 'i.sqlite'), randomBytes(32));
    await store.storeInstallation(installation);
    const fetched = await store.fetchInstallation(query);
    expect(fetched.bot).toMatchObject({ token, userId: 'U0BOT', scopes: ['commands', 'chat:write'] });
    expect(fetched.metadata).toBe('happypaws');
    expect(store.businessOfTeam('T0HAPPY')).toBe('happypaws');
    await store.deleteInstallation!(query);
    await expect(store.fetchInstallation(query)).rejects.toThrow(/not installed in Slack workspace T0HAPPY/);
    store.close();
  });

  it('fails clearly under another key or when a row was moved to another business', async () => {
    const file = join(dir, 'i.sqlite');
    const key = randomBytes(32);
    const store = openSlackInstallations(file, key);
    await store.storeInstallation(installation);
    store.close();
    const wrongKey = openSlackInstallations(file, randomBytes(32));
    await expect(wrongKey.fetchInstallation(query)).rejects.toThrow(TokenUnreadableError);
    wrongKey.close();
    const db = new Database(file);
    db.prepare("UPDATE slack_installations SET business_id = 'waggingtails'").run();
    db.close();
    const again = openSlackInstallations(file, key);
    await expect(again.fetchInstallation(query)).rejects.toThrow(TokenUnreadableError);
    again.close();
  });

  it('refuses an installation without a business or a bot', async () => {
    const store = openSlackInstallations(join(dir, 'i.sqlite'), randomBytes(32));
    await expect(store.storeInstallation({ ...installation, metadata: undefined })).rejects.toThrow(/business/);
    store.close();
  });
});
