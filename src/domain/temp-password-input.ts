// How a typed password is compared with a pending temporary password, and when a wrong one counts
// against it. Generated temporary passwords (temp-password.ts) are lower-case words and digits joined
// by hyphens: nothing in them depends on case or on surrounding spaces, so a pasted one with a
// trailing newline, or one typed with caps lock on, is the same password.

/**
 * The form a typed password is compared in with a temporary password's hash: NFKC (so full-width
 * or other compatibility forms read as their plain letters), surrounding whitespace trimmed, lower case.
 */
export function canonicalTempPasswordInput(typed: string): string {
  return typed.normalize('NFKC').trim().toLowerCase();
}

// The generator's shape: four words of 3–8 letters, then five digits from 2–9, hyphen-separated.
const tempPasswordShape = /^[a-z]{3,8}(?:-[a-z]{3,8}){3}-[2-9]{5}$/;

/**
 * Whether what was typed could have been a temporary password: after canonicalising, it has the
 * generated shape. Anything else (a permanent password, an empty or junk string from a bot) cannot
 * match one, so it is no guess at it and does not count towards burning it.
 */
export function couldBeTempPassword(typed: string): boolean {
  return tempPasswordShape.test(canonicalTempPasswordInput(typed));
}
