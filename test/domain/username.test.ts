import { defaultBusinessId } from '../../src/domain/business.ts';
import { describe, expect, it } from 'vitest';
import { normaliseUserName, suggestUserNames, userNameStream, validateUserName } from '../../src/domain/username.ts';

function errorFor(raw: string): string {
  const result = validateUserName(raw);
  if (result.ok) throw new Error(`expected "${raw}" to be refused, got "${result.userName}"`);
  return result.error;
}

describe('normaliseUserName', () => {
  it('trims and lower-cases', () => {
    expect(normaliseUserName('  Jane.Doe@Example.COM \t')).toBe('jane.doe@example.com');
  });

  it('folds fullwidth letters and digits to ASCII', () => {
    expect(normaliseUserName('ＪＡＮＥ２０２４')).toBe('jane2024');
  });

  it('turns a no-break space at the edge into nothing', () => {
    expect(normaliseUserName('\u00a0janedoe\u3000')).toBe('janedoe');
  });

  it('composes a letter and a combining accent into one character', () => {
    expect(normaliseUserName('zoe\u0308')).toBe('zoë');
  });
});

describe('validateUserName', () => {
  it('accepts a plain name and returns it normalised', () => {
    expect(validateUserName(' Jane.Doe ')).toEqual({ ok: true, userName: 'jane.doe' });
  });

  it('accepts an email address as a user name', () => {
    expect(validateUserName('Jane.Doe+pets@Example.com')).toEqual({
      ok: true,
      userName: 'jane.doe+pets@example.com',
    });
  });

  it('accepts every allowed punctuation mark inside a name', () => {
    expect(validateUserName('a.b_c-d+e@f1')).toEqual({ ok: true, userName: 'a.b_c-d+e@f1' });
  });

  it('accepts fullwidth input because it folds to ASCII', () => {
    expect(validateUserName('ｊａｎｅｄｏｅ')).toEqual({ ok: true, userName: 'janedoe' });
  });

  it('accepts exactly 6 and exactly 64 characters', () => {
    expect(validateUserName('abcdef').ok).toBe(true);
    expect(validateUserName('a'.repeat(64)).ok).toBe(true);
  });

  it('refuses 5 characters and says how many are needed', () => {
    expect(errorFor('abcde')).toBe('User names need at least 6 characters.');
  });

  it('counts length after trimming', () => {
    expect(errorFor('  abcde  ')).toBe('User names need at least 6 characters.');
  });

  it('refuses an empty name as too short', () => {
    expect(errorFor('')).toBe('User names need at least 6 characters.');
  });

  it('refuses 65 characters and asks for a shorter one', () => {
    expect(errorFor('a'.repeat(65))).toBe('User names can have at most 64 characters. Choose a shorter one.');
  });

  it('refuses a Cyrillic look-alike, naming the character, its position and the fix', () => {
    const error = errorFor('j\u0430nedoe');
    expect(error).toContain('Character 2');
    expect(error).toContain('"\u0430" (U+0430)');
    expect(error).toContain('a Cyrillic letter');
    expect(error).toContain('English keyboard layout');
  });

  it('refuses an upper-case Cyrillic look-alike after lower-casing it', () => {
    const error = errorFor('\u0410dmin123');
    expect(error).toContain('Character 1');
    expect(error).toContain('U+0430');
    expect(error).toContain('Cyrillic');
  });

  it('refuses a Greek omicron that looks like o', () => {
    const error = errorFor('r\u03bfbert');
    expect(error).toContain('U+03BF');
    expect(error).toContain('a Greek letter');
  });

  it('refuses an accented letter and suggests the plain one', () => {
    const error = errorFor('zoë.smith');
    expect(error).toContain('Character 3');
    expect(error).toContain('accented');
    expect(error).toContain('Type a plain "e" instead.');
  });

  it('suggests "ss" for a sharp s', () => {
    expect(errorFor('strasse.straße')).toContain('Type a plain "ss" instead.');
  });

  it('refuses an emoji as a symbol, quoting it whole', () => {
    expect(errorFor('ab😀cdef')).toContain('Character 3 of the user name, "😀" (U+1F600), is a symbol');
  });

  it('refuses an invisible zero-width space and names its code point', () => {
    const error = errorFor('jane\u200bdoe');
    expect(error).toContain('U+200B');
    expect(error).toContain('invisible');
  });

  it('refuses a letter from a script with no Latin look-alikes', () => {
    expect(errorFor('名前abcdef')).toContain('a letter from another alphabet');
  });

  it('reports a foreign character before a length problem', () => {
    expect(errorFor('\u0430b')).toContain('Cyrillic');
  });

  it('refuses an inner space and suggests a separator', () => {
    expect(errorFor('jane doe')).toBe("User names can't contain spaces. Use a dot, dash or underscore instead.");
  });

  it('refuses a disallowed ASCII symbol, quoting it and listing what is allowed', () => {
    expect(errorFor('jane!doe')).toBe('User names can\'t contain "!". Use only a–z, 0–9 and . _ - + @.');
  });

  it('refuses an inner tab as a control character', () => {
    expect(errorFor('jane\tdoe')).toContain('control characters (U+0009)');
  });

  it('refuses a name starting with punctuation', () => {
    expect(errorFor('.janedoe')).toBe('User names must start with a letter or a digit.');
  });

  it('refuses a name ending with punctuation', () => {
    expect(errorFor('janedoe_')).toBe('User names must end with a letter or a digit.');
  });

  it('accepts a name made only of digits', () => {
    expect(validateUserName('123456')).toEqual({ ok: true, userName: '123456' });
  });
});

describe('suggestUserNames', () => {
  it('puts the normalised email first, then the name patterns in order', () => {
    expect(suggestUserNames({ firstName: 'Grace', lastName: 'Hopper', email: ' Grace@Example.com ' })).toEqual([
      'grace@example.com',
      'grace.hopper',
      'gracehopper',
      'g.hopper',
      'grace.h',
      'grace_hopper',
      'grace-hopper',
      'hopper.grace',
      'ghopper',
    ]);
  });

  it('leaves out patterns too short to be valid', () => {
    expect(suggestUserNames({ firstName: 'Jane', lastName: 'Doe', email: null })).toEqual([
      'jane.doe',
      'janedoe',
      'jane.d',
      'jane_doe',
      'jane-doe',
      'doe.jane',
    ]);
  });

  it('folds diacritics, drops apostrophes and keeps hyphens inside a surname', () => {
    const suggestions = suggestUserNames({
      firstName: 'Zoë',
      lastName: "O'Neil-Jackson",
      email: null,
    });
    expect(suggestions[0]).toBe('zoe.oneil-jackson');
    expect(suggestions).toContain('zoeoneil-jackson');
    expect(suggestions).toContain('z.oneil-jackson');
    expect(suggestions).toContain('zoe_oneil-jackson');
  });

  it('splits a suffix after a comma into its own word', () => {
    const suggestions = suggestUserNames({ firstName: 'Sam', lastName: 'Clark, Jr.', email: null });
    expect(suggestions[0]).toBe('sam.clark.jr');
    expect(suggestions).toContain('samclarkjr');
    expect(suggestions).toContain('sam_clark_jr');
    expect(suggestions).toContain('clark.jr.sam');
  });

  it('treats typographic apostrophes like plain ones', () => {
    expect(suggestUserNames({ firstName: 'Dáire', lastName: 'O’Brien', email: null })[0]).toBe('daire.obrien');
  });

  it('folds letters that NFKD cannot decompose', () => {
    expect(suggestUserNames({ firstName: 'Øyvind', lastName: 'Straße', email: null })[0]).toBe('oyvind.strasse');
  });

  it('collapses runs of spaces and stray hyphens', () => {
    expect(suggestUserNames({ firstName: '  Mary   Ann ', lastName: 'Smith - -Jones', email: null })[0]).toBe(
      'mary.ann.smith.jones',
    );
  });

  it('uses the initial of the first word of a multi-word name', () => {
    expect(suggestUserNames({ firstName: 'Mary Ann', lastName: 'van der Berg', email: null })).toContain(
      'm.van.der.berg',
    );
  });

  it('leaves out an email that is not a valid user name', () => {
    const suggestions = suggestUserNames({
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'jané@example.com',
    });
    expect(suggestions[0]).toBe('jane.doe');
    expect(suggestions.some((s) => s.includes('@'))).toBe(false);
  });

  it('returns no duplicates when patterns coincide', () => {
    const suggestions = suggestUserNames({
      firstName: 'Ann',
      lastName: 'Ann',
      email: 'ann.ann',
    });
    expect(new Set(suggestions).size).toBe(suggestions.length);
    expect(suggestions.filter((s) => s === 'ann.ann')).toHaveLength(1);
  });

  it('returns only candidates that pass validation', () => {
    const suggestions = suggestUserNames({ firstName: 'Al', lastName: 'Li', email: 'x@y' });
    expect(suggestions).toEqual([]);
  });

  it('suggests the last name alone when there is no usable first name', () => {
    expect(suggestUserNames({ firstName: 'Иван', lastName: 'Petrov-Vodkin', email: null })).toEqual(['petrov-vodkin']);
  });

  it('returns nothing for names with no ASCII form and no email', () => {
    expect(suggestUserNames({ firstName: 'Иван', lastName: 'Петров', email: null })).toEqual([]);
  });

  it('returns only the email when names are empty', () => {
    expect(suggestUserNames({ firstName: '', lastName: '', email: 'pets@example.com' })).toEqual(['pets@example.com']);
  });
});

describe('userNameStream', () => {
  it('names the stream after the normalised user name', () => {
    expect(userNameStream(defaultBusinessId, ' Jane.Doe ')).toBe('username-jane.doe');
  });

  it('gives the same stream for names that normalise alike', () => {
    expect(userNameStream(defaultBusinessId, 'ＪＡＮＥdoe')).toBe(userNameStream(defaultBusinessId, 'janedoe'));
  });
});
