// Temporary passwords are read aloud over the phone or copied off a note by the client, so they are
// lower-case words and digits: "lantern-pebble-oyster-mango-47293". Shape: four words of 3–8 letters,
// hyphen-separated, then five digits from 2–9. Leaving out 0 and 1 removes the O/0 and I/1 mix-ups;
// with no capitals and no 1, a lower-case 'l' in a word has nothing to be confused with.
import { dictionary } from '@zxcvbn-ts/language-common';

// A temporary password arrives in an email from the business, so words that would read badly
// there ("racism-scary-widow-…") are left out of the draw.
const unpleasantWords = new Set(
  (
    'afraid agony arrest ashamed backstab battle bully casket cheating curse decay defraud divorcee enslave evil ' +
    'filth graves handgun hate hatred hurt imprison jailbird jailer maggot mocker opium overkill panic parasite ' +
    'prison racism robbing rotten ruined scabbed scabby scam scary shame sinner stinking stinky traitor undead ' +
    'unholy virus widow wound'
  ).split(' '),
);

// The EFF large diceware list (7,776 words picked to be memorable), as shipped in
// @zxcvbn-ts/language-common, kept to 3–8 plain letters so every word is quick to spell out, less
// the unpleasant ones: 6,169 words.
const tempPasswordWords: readonly string[] = dictionary['diceware-common'].filter(
  (word) => /^[a-z]{3,8}$/.test(word) && !unpleasantWords.has(word),
);
const tempPasswordDigits: readonly string[] = [...'23456789'];
const tempPasswordWordCount = 4;
const tempPasswordDigitCount = 5;

// Each word and digit is drawn independently and uniformly, so the entropy is a plain sum.
export function tempPasswordEntropyBits(): number {
  return (
    tempPasswordWordCount * Math.log2(tempPasswordWords.length) +
    tempPasswordDigitCount * Math.log2(tempPasswordDigits.length)
  );
}

// randomInt must return a uniform integer in [0, maxExclusive) — e.g. node:crypto's randomInt.
export function generateTempPassword(randomInt: (maxExclusive: number) => number): string {
  const words = Array.from({ length: tempPasswordWordCount }, () => pick(tempPasswordWords, randomInt));
  const digits = Array.from({ length: tempPasswordDigitCount }, () => pick(tempPasswordDigits, randomInt));
  return `${words.join('-')}-${digits.join('')}`;
}

function pick(choices: readonly string[], randomInt: (maxExclusive: number) => number): string {
  const index = randomInt(choices.length);
  // Negative, fractional, NaN or too-large indexes all miss the array. A random source that
  // produces them is broken and would silently shrink the password space, so it stops everything.
  const choice = choices[index];
  if (choice === undefined) {
    throw new RangeError(`randomInt(${choices.length}) returned ${index}, outside 0..${choices.length - 1}.`);
  }
  return choice;
}
