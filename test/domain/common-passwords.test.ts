import { describe, expect, it } from 'vitest';
import { loadCommonPasswordBlocklist } from '../../src/domain/common-passwords.ts';
import { checkPassword, defaultPasswordPolicy, makePasswordPolicy } from '../../src/domain/password-policy.ts';

describe('loadCommonPasswordBlocklist', () => {
  it('holds at least 10,000 common passwords', () => {
    expect(loadCommonPasswordBlocklist().size).toBeGreaterThanOrEqual(10_000);
  });

  it.each(['password', '123456', 'password123', 'qwertyuiop', 'iloveyou', 'trustno1', '1qaz2wsx'])(
    'lists "%s"',
    (password) => {
      expect(loadCommonPasswordBlocklist().has(password)).toBe(true);
    },
  );

  it('does not list a random passphrase', () => {
    expect(loadCommonPasswordBlocklist().has('lantern pebble oyster mango')).toBe(false);
  });

  it('refuses common passwords through checkPassword whatever their case', () => {
    const ctx = {
      policy: makePasswordPolicy(8),
      blocklist: loadCommonPasswordBlocklist(),
      contextWords: [],
    };
    expect(checkPassword('Password123', ctx)).toMatchObject({ ok: false, reason: 'common' });
    expect(checkPassword('QwertyUIOP', ctx)).toMatchObject({ ok: false, reason: 'common' });
  });

  it('refuses long common passwords under the default policy', () => {
    const ctx = {
      policy: defaultPasswordPolicy,
      blocklist: loadCommonPasswordBlocklist(),
      contextWords: [],
    };
    expect(checkPassword('passwordpassword', ctx)).toMatchObject({ ok: false, reason: 'common' });
  });

  it('builds the list once and hands back the same one', () => {
    expect(loadCommonPasswordBlocklist()).toBe(loadCommonPasswordBlocklist());
  });
});
