import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  createPasswordBlocklist,
  defaultPasswordPolicy,
  makePasswordPolicy,
  normalisePassword,
} from '../../src/domain/password-policy.ts';
import type { PasswordCheckContext } from '../../src/domain/password-policy.ts';

const blocklist = createPasswordBlocklist(['password123', 'correcthorsebatterystaple', 'Qwertyuiop']);

function context(overrides: Partial<PasswordCheckContext> = {}): PasswordCheckContext {
  return { policy: defaultPasswordPolicy, blocklist, contextWords: [], ...overrides };
}

function reasonFor(pw: string, overrides: Partial<PasswordCheckContext> = {}): string {
  const result = checkPassword(pw, context(overrides));
  return result.ok ? 'accepted' : result.reason;
}

describe('password policies', () => {
  it('default policy needs 15 characters, allows 128 and caps input at 1024 bytes', () => {
    expect(defaultPasswordPolicy).toEqual({ minLength: 15, maxLength: 128, maxBytes: 1024 });
  });

  it('a custom policy keeps the default ceilings', () => {
    expect(makePasswordPolicy(8)).toEqual({ minLength: 8, maxLength: 128, maxBytes: 1024 });
    expect(makePasswordPolicy(64).minLength).toBe(64);
  });

  it.each([7, 65, 0, -8, 12.5, Number.NaN])('a minimum length of %s is a configuration error', (minLength) => {
    expect(() => makePasswordPolicy(minLength)).toThrow(RangeError);
  });

  it('the default policy cannot be changed by accident', () => {
    expect(Object.isFrozen(defaultPasswordPolicy)).toBe(true);
  });
});

describe('normalisePassword', () => {
  it('folds compatibility forms with NFKC', () => {
    expect(normalisePassword('ｐａｓｓ')).toBe('pass');
    expect(normalisePassword('cafe\u0301')).toBe('café');
  });

  it('keeps leading, trailing and inner spaces', () => {
    expect(normalisePassword('  two  spaces  ')).toBe('  two  spaces  ');
  });
});

describe('checkPassword', () => {
  it('accepts a long passphrase and returns it normalised', () => {
    expect(checkPassword('ｃｏｒｒｅｃｔ horse battery', context())).toEqual({
      ok: true,
      password: 'correct horse battery',
    });
  });

  it('needs no digits, capitals or symbols', () => {
    expect(reasonFor('purple tractor in the meadow')).toBe('accepted');
  });

  it('accepts exactly the minimum length and refuses one character less', () => {
    expect(reasonFor('a'.repeat(15))).toBe('accepted');
    expect(reasonFor('a'.repeat(14))).toBe('too_short');
  });

  it('tells a short password how long it is (the rule itself is stated beside the field)', () => {
    const result = checkPassword('short one', context());
    expect(result).toMatchObject({ ok: false, reason: 'too_short' });
    expect(!result.ok && result.message).toBe('That password is too short: it has 9 characters.');
  });

  it('counts code points, so 15 emoji are long enough', () => {
    expect(reasonFor('🐶'.repeat(15))).toBe('accepted');
    expect(reasonFor('🐶'.repeat(14))).toBe('too_short');
  });

  it('counts length after NFKC, so a decomposed accent is one character', () => {
    expect(reasonFor('e\u0301'.repeat(14))).toBe('too_short');
  });

  it('counts spaces towards the length', () => {
    expect(reasonFor('a b c d e f g h')).toBe('accepted');
  });

  it('accepts exactly the maximum length and refuses one character more', () => {
    expect(reasonFor('a'.repeat(128))).toBe('accepted');
    expect(reasonFor('a'.repeat(129))).toBe('too_long');
  });

  it('says what the ceiling is when refusing a long password', () => {
    const result = checkPassword('a'.repeat(200), context());
    expect(!result.ok && result.message).toBe('That password is too long. Use at most 128 characters.');
  });

  it('refuses a password whose UTF-8 bytes exceed the cap even when few enough characters', () => {
    const policy = { minLength: 8, maxLength: 128, maxBytes: 40 };
    expect(reasonFor('🐶'.repeat(10), { policy })).toBe('accepted');
    expect(reasonFor('🐶'.repeat(11), { policy })).toBe('too_long');
  });

  it('refuses input with more UTF-16 units than the byte cap', () => {
    expect(reasonFor('\ufdfa'.repeat(2000))).toBe('too_long');
  });

  it('refuses a blocklisted password whatever its case', () => {
    const policy = makePasswordPolicy(8);
    expect(reasonFor('password123', { policy })).toBe('common');
    expect(reasonFor('PassWord123', { policy })).toBe('common');
    expect(reasonFor('QWERTYUIOP', { policy })).toBe('common');
  });

  it('refuses a blocklisted password typed in fullwidth form', () => {
    expect(reasonFor('ｐａｓｓｗｏｒｄ１２３', { policy: makePasswordPolicy(8) })).toBe('common');
  });

  it('explains a common password without quoting the list', () => {
    const result = checkPassword('correcthorsebatterystaple', context());
    expect(result).toMatchObject({ ok: false, reason: 'common' });
    expect(!result.ok && result.message).toContain('common passwords');
  });

  it('accepts a password that only contains a blocklisted one', () => {
    expect(reasonFor('my password123 is long now')).toBe('accepted');
  });

  it('refuses a password containing a context word, whatever its case', () => {
    const contextWords = ['Happy Paws', 'jane.doe', 'Jane', 'Doe'];
    expect(reasonFor('I love HAPPY PAWS so much', { contextWords })).toBe('context');
    expect(reasonFor('xx-jane.doe-forever-xx', { contextWords })).toBe('context');
    expect(reasonFor('my name is jane, hello', { contextWords })).toBe('context');
  });

  it('ignores context words shorter than 4 characters', () => {
    expect(reasonFor('the doe ran past the fence', { contextWords: ['Doe', 'Al'] })).toBe('accepted');
  });

  it('matches a context word given in another normal form', () => {
    expect(reasonFor('walking with chloë every day', { contextWords: ['Chloe\u0308'] })).toBe('context');
  });

  it('names the word a context refusal found, so the client knows what to take out', () => {
    const result = checkPassword('jane walks the dogs', context({ contextWords: ['Happy Paws', 'Jane'] }));
    expect(!result.ok && result.message).toBe(
      'That password contains "jane", which is part of your name, user name, email or the business name.',
    );
  });

  it('refuses reusing the temporary password', () => {
    const result = checkPassword(
      'lantern-pebble-oyster-mango-47293',
      context({ temporaryPasswordFingerprintMatches: true }),
    );
    expect(result).toEqual({
      ok: false,
      reason: 'temporary',
      message: "Your new password can't be the temporary one.",
    });
  });

  it('accepts the same password when it is not the temporary one', () => {
    expect(reasonFor('lantern-pebble-oyster-mango-47293', { temporaryPasswordFingerprintMatches: false })).toBe(
      'accepted',
    );
  });

  it('checks length before the blocklist', () => {
    expect(reasonFor('password123')).toBe('too_short');
  });
});

describe('createPasswordBlocklist', () => {
  it('stores entries normalised and lower-cased, without duplicates', () => {
    const list = createPasswordBlocklist(['Secret', 'secret', 'ＳＥＣＲＥＴ', 'hunter2']);
    expect(list.size).toBe(2);
    expect(list.has('secret')).toBe(true);
    expect(list.has('hunter2')).toBe(true);
  });

  it('answers false for words it was not given', () => {
    expect(createPasswordBlocklist(['secret']).has('secrets')).toBe(false);
  });
});
