import { describe, expect, it } from 'vitest';
import { generateTempPassword, tempPasswordEntropyBits } from '../../src/domain/temp-password.ts';

// mulberry32: a small seeded generator, so failures reproduce.
function seededRandomInt(seed: number): (maxExclusive: number) => number {
  let state = seed >>> 0;
  return (maxExclusive) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(unit * maxExclusive);
  };
}

const shape = /^[a-z]{3,8}(-[a-z]{3,8}){3}-[2-9]{5}$/;

describe('generateTempPassword', () => {
  it('is four hyphenated lower-case words then five digits from 2–9', () => {
    const randomInt = seededRandomInt(1);
    for (let i = 0; i < 500; i += 1) expect(generateTempPassword(randomInt)).toMatch(shape);
  });

  it('is at least 15 characters long', () => {
    const randomInt = seededRandomInt(2);
    for (let i = 0; i < 500; i += 1) {
      expect(generateTempPassword(randomInt).length).toBeGreaterThanOrEqual(15);
    }
  });

  it('never contains the look-alike digits 0 and 1 or any capital letter', () => {
    const randomInt = seededRandomInt(3);
    const passwords = Array.from({ length: 500 }, () => generateTempPassword(randomInt)).join('');
    expect(passwords).not.toMatch(/[01A-Z]/);
  });

  it('is the same for the same random source', () => {
    expect(generateTempPassword(seededRandomInt(42))).toBe(generateTempPassword(seededRandomInt(42)));
  });

  it('differs between draws', () => {
    const randomInt = seededRandomInt(4);
    const passwords = new Set(Array.from({ length: 1000 }, () => generateTempPassword(randomInt)));
    expect(passwords.size).toBe(1000);
  });

  it('draws four words from the filtered list, then five digits from eight', () => {
    const bounds: number[] = [];
    generateTempPassword((maxExclusive) => {
      bounds.push(maxExclusive);
      return 0;
    });
    expect(bounds).toHaveLength(9);
    expect(new Set(bounds.slice(0, 4)).size).toBe(1);
    expect(bounds[0]).toBeGreaterThan(6000);
    expect(bounds.slice(4)).toEqual([8, 8, 8, 8, 8]);
  });

  it('maps the lowest draws to the first word and digit 2', () => {
    expect(generateTempPassword(() => 0)).toBe('abacus-abacus-abacus-abacus-22222');
  });

  it('maps the highest draws to the last word and digit 9', () => {
    expect(generateTempPassword((maxExclusive) => maxExclusive - 1)).toBe('zoom-zoom-zoom-zoom-99999');
  });

  it.each([
    ['the bound itself', (maxExclusive: number) => maxExclusive],
    ['a negative number', () => -1],
    ['a fraction', () => 0.5],
    ['NaN', () => Number.NaN],
  ])('throws when randomInt returns %s', (_label, randomInt) => {
    expect(() => generateTempPassword(randomInt)).toThrow(RangeError);
  });
});

describe('tempPasswordEntropyBits', () => {
  it('is at least 64 bits', () => {
    expect(tempPasswordEntropyBits()).toBeGreaterThanOrEqual(64);
  });

  it('matches four words from the list the generator draws from plus five 3-bit digits', () => {
    let wordListSize = 0;
    generateTempPassword((maxExclusive) => {
      if (maxExclusive !== 8) wordListSize = maxExclusive;
      return 0;
    });
    expect(tempPasswordEntropyBits()).toBeCloseTo(4 * Math.log2(wordListSize) + 5 * 3, 10);
  });
});

describe('words that would read badly in an email from the business', () => {
  it('are never drawn', () => {
    const seen = new Set<string>();
    let counter = 0;
    // Cycles through every index of the word list for the first word of successive passwords.
    for (let i = 0; i < 7_000; i++) {
      const password = generateTempPassword((max) => (max > 8 ? counter++ % max : 0));
      seen.add(password.split('-')[0]!);
    }
    expect(seen.size).toBeGreaterThan(6_000);
    for (const word of ['racism', 'widow', 'handgun', 'hatred', 'prison']) expect(seen.has(word)).toBe(false);
    expect(seen.has('lantern') || seen.has('pebble') || seen.has('oyster')).toBe(true);
  });
});
