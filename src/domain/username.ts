import { scopedStream } from './business.ts';
// User names are typed from memory and read out over the phone, so they stay inside a small ASCII
// alphabet. Anything that merely looks like a–z (Cyrillic 'а', Greek 'ο') is refused, never folded:
// folding would let two people who see the same name own two different accounts.

export type UserNameValidation = { ok: true; userName: string } | { ok: false; error: string };

export interface ClientNames {
  firstName: string;
  lastName: string;
  email: string | null;
}

const minUserNameLength = 6;
const maxUserNameLength = 64;
const allowedCharacters = 'a–z, 0–9 and . _ - + @';

export function normaliseUserName(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

export function validateUserName(raw: string): UserNameValidation {
  const userName = normaliseUserName(raw);
  const error = findUserNameProblem(userName);
  return error === null ? { ok: true, userName } : { ok: false, error };
}

/** User names are unique within a business: each business reserves them on streams of its own. */
export function userNameStream(businessId: string, userName: string): string {
  return scopedStream(businessId, `username-${normaliseUserName(userName)}`);
}

function findUserNameProblem(userName: string): string | null {
  // Foreign characters first: they are the surprising problem, and the length of a name that
  // has to be retyped anyway is beside the point.
  // eslint-disable-next-line no-control-regex -- the range is "everything outside ASCII", control characters included
  const foreign = /[^\x00-\x7f]/u.exec(userName);
  // Everything before the first foreign character is ASCII, so its index is also its position.
  if (foreign !== null) return describeForeignCharacter(foreign[0], foreign.index + 1);
  if (userName.length < minUserNameLength) {
    return `User names need at least ${minUserNameLength} characters.`;
  }
  if (userName.length > maxUserNameLength) {
    return `User names can have at most ${maxUserNameLength} characters. Choose a shorter one.`;
  }
  const disallowed = /[^a-z0-9._\-+@]/.exec(userName);
  if (disallowed !== null) return describeDisallowedCharacter(disallowed[0]);
  if (!/^[a-z0-9]/.test(userName)) return 'User names must start with a letter or a digit.';
  if (!/[a-z0-9]$/.test(userName)) return 'User names must end with a letter or a digit.';
  return null;
}

function describeForeignCharacter(character: string, position: number): string {
  const plain = foldToAscii(character);
  const advice = /^[a-z0-9]+$/.test(plain)
    ? `Type a plain "${plain}" instead.`
    : `Retype the name on an English keyboard layout, using only ${allowedCharacters}.`;
  return (
    `Character ${position} of the user name, "${character}" (${codePointLabel(character)}), ` +
    `is ${describeCharacterKind(character)}, not a plain letter or digit. ${advice}`
  );
}

// Scripts with letters that pass for Latin ones at a glance get named, so the person
// understands why a name that looks right is refused.
const lookAlikeScripts: ReadonlyArray<[RegExp, string]> = [
  [/\p{Script=Cyrillic}/u, 'a Cyrillic letter'],
  [/\p{Script=Greek}/u, 'a Greek letter'],
  [/\p{Script=Armenian}/u, 'an Armenian letter'],
  [/\p{Script=Cherokee}/u, 'a Cherokee letter'],
];

function describeCharacterKind(character: string): string {
  if (/\p{M}/u.test(character)) return 'an accent mark on its own';
  if (/[\p{C}\p{Z}]/u.test(character)) return 'an invisible or special space character';
  if (/\p{Script=Latin}/u.test(character)) return 'an accented or special Latin letter';
  const script = lookAlikeScripts.find(([pattern]) => pattern.test(character));
  if (script !== undefined) return script[1];
  if (/\p{L}/u.test(character)) return 'a letter from another alphabet';
  if (/\p{N}/u.test(character)) return 'a digit from another script';
  return 'a symbol';
}

function describeDisallowedCharacter(character: string): string {
  if (character === ' ') return "User names can't contain spaces. Use a dot, dash or underscore instead.";
  // eslint-disable-next-line no-control-regex -- naming control characters is the point
  if (/[\x00-\x1f\x7f]/.test(character)) {
    return `User names can't contain control characters (${codePointLabel(character)}). Retype the name.`;
  }
  return `User names can't contain "${character}". Use only ${allowedCharacters}.`;
}

function codePointLabel(character: string): string {
  const hex = (character.codePointAt(0) ?? 0).toString(16).toUpperCase();
  return `U+${hex.padStart(4, '0')}`;
}

// Letters NFKD cannot take apart; without these, "Øyvind Straße" would lose letters instead of folding.
const unfoldableLetters: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

function foldToAscii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (letter) => unfoldableLetters[letter] ?? '');
}

// Suggestions are offered to staff when creating a login, most conventional first. The email comes
// first because clients already remember it; numbering clashes is left to whoever knows the taken names.
export function suggestUserNames(client: ClientNames): string[] {
  const candidates = [
    ...(client.email === null ? [] : [client.email]),
    ...nameCandidates(nameParts(client.firstName), nameParts(client.lastName)),
  ];
  const valid = candidates.flatMap((candidate) => {
    const result = validateUserName(candidate);
    return result.ok ? [result.userName] : [];
  });
  return [...new Set(valid)];
}

// A name becomes its words, folded to ASCII: apostrophes vanish ("O'Neil" → "oneil"), hyphens inside
// a word stay ("Neil-Jackson" → "neil-jackson"), and spaces, commas and dots split words
// ("Clark, Jr." → ["clark", "jr"]). Characters with no ASCII form also split, rather than guess.
function nameParts(name: string): string[] {
  return foldToAscii(name.replace(/['’‘ʼ`´]/g, ''))
    .split(/[^a-z0-9-]+/)
    .map((part) => part.replace(/-+/g, '-').replace(/^-|-$/g, ''))
    .filter((part) => part !== '');
}

// Words within one name are joined with the same separator as the pattern, so "Clark, Jr."
// gives "jane.clark.jr" and "jane_clark_jr"; an initial is the first letter of a name's first word.
function nameCandidates(first: string[], last: string[]): string[] {
  if (first.length === 0 || last.length === 0) {
    return [first, last].filter((parts) => parts.length > 0).map((parts) => parts.join('.'));
  }
  const firstInitial = first.join('').charAt(0);
  const lastInitial = last.join('').charAt(0);
  return [
    `${first.join('.')}.${last.join('.')}`,
    `${first.join('')}${last.join('')}`,
    `${firstInitial}.${last.join('.')}`,
    `${first.join('.')}.${lastInitial}`,
    `${first.join('_')}_${last.join('_')}`,
    `${first.join('-')}-${last.join('-')}`,
    `${last.join('.')}.${first.join('.')}`,
    `${firstInitial}${last.join('')}`,
  ];
}
