// After NIST SP 800-63B-4: a length floor, a generous ceiling, every character (spaces included)
// allowed, no composition rules, and a check against common and context-specific passwords instead.
// Composition rules push people towards "Password1!"; length and a blocklist do not.

export interface PasswordPolicy {
  // Counted in code points after NFKC, so "é" is one character however it was typed.
  readonly minLength: number;
  readonly maxLength: number;
  // UTF-8 bytes handed to the hasher; bounds the work a hostile request can cause.
  readonly maxBytes: number;
}

export interface PasswordBlocklist {
  has(normalisedLowercase: string): boolean;
  readonly size: number;
}

export type PasswordRefusalReason = 'too_short' | 'too_long' | 'common' | 'context' | 'temporary';

export type PasswordCheck =
  { ok: true; password: string } | { ok: false; reason: PasswordRefusalReason; message: string };

export interface PasswordCheckContext {
  policy: PasswordPolicy;
  blocklist: PasswordBlocklist;
  // Business name, user name, client first and last name, email local part. Each is matched whole,
  // case-insensitively; ones shorter than 4 characters are ignored, as they match too much by chance.
  contextWords: string[];
  temporaryPasswordFingerprintMatches?: boolean;
}

const maxPasswordLength = 128;
const maxPasswordBytes = 1024;
const minContextWordLength = 4;

// 15 is NIST's floor for a password that is the only factor; 8 is its floor alongside a second factor.
export const defaultPasswordPolicy: PasswordPolicy = Object.freeze({
  minLength: 15,
  maxLength: maxPasswordLength,
  maxBytes: maxPasswordBytes,
});

export function makePasswordPolicy(minLength: number): PasswordPolicy {
  if (!Number.isInteger(minLength) || minLength < 8 || minLength > 64) {
    throw new RangeError(`Password minimum length must be a whole number from 8 to 64, not ${minLength}.`);
  }
  return Object.freeze({ minLength, maxLength: maxPasswordLength, maxBytes: maxPasswordBytes });
}

// NFKC so that the same password typed on another keyboard or pasted from elsewhere still matches.
// Nothing is trimmed: a space is as much a part of a password as any letter.
export function normalisePassword(pw: string): string {
  return pw.normalize('NFKC');
}

export function createPasswordBlocklist(words: Iterable<string>): PasswordBlocklist {
  const entries = new Set<string>();
  for (const word of words) entries.add(normalisePassword(word).toLowerCase());
  return { has: (normalisedLowercase) => entries.has(normalisedLowercase), size: entries.size };
}

export function checkPassword(pw: string, ctx: PasswordCheckContext): PasswordCheck {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so an over-long input is refused here
  // before NFKC (which can expand a string) spends any work on it.
  if (pw.length > ctx.policy.maxBytes) return refuse('too_long', tooLongMessage(ctx.policy));
  const password = normalisePassword(pw);
  return findPasswordProblem(password, ctx) ?? { ok: true, password };
}

function findPasswordProblem(password: string, ctx: PasswordCheckContext): PasswordCheck | null {
  const { policy } = ctx;
  if (ctx.temporaryPasswordFingerprintMatches === true) {
    return refuse('temporary', "Your new password can't be the temporary one.");
  }
  const length = [...password].length;
  if (length > policy.maxLength || utf8ByteLength(password) > policy.maxBytes) {
    return refuse('too_long', tooLongMessage(policy));
  }
  // The rules are stated once, beside the field; a refusal says only what is wrong with this password.
  if (length < policy.minLength) {
    return refuse('too_short', `That password is too short: it has ${length} characters.`);
  }
  const lowercase = password.toLowerCase();
  if (ctx.blocklist.has(lowercase)) {
    return refuse('common', 'That password is on a list of common passwords, so it is easy to guess.');
  }
  const contextWord = findContextWord(lowercase, ctx.contextWords);
  if (contextWord !== null) {
    // Naming the word tells the client only their own name, email or the business's.
    return refuse(
      'context',
      `That password contains "${contextWord}", which is part of your name, user name, email or the business name.`,
    );
  }
  return null;
}

function findContextWord(lowercasePassword: string, contextWords: string[]): string | null {
  return (
    contextWords
      .map((word) => normalisePassword(word).trim().toLowerCase())
      .find((word) => [...word].length >= minContextWordLength && lowercasePassword.includes(word)) ?? null
  );
}

function utf8ByteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

function tooLongMessage(policy: PasswordPolicy): string {
  return `That password is too long. Use at most ${policy.maxLength} characters.`;
}

function refuse(reason: PasswordRefusalReason, message: string): PasswordCheck {
  return { ok: false, reason, message };
}
