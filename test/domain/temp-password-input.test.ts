import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateTempPassword } from '../../src/domain/temp-password.ts';
import { canonicalTempPasswordInput, couldBeTempPassword } from '../../src/domain/temp-password-input.ts';
import { decodeEvent } from '../../src/domain/events.ts';
import { asRecorded } from '../support/sample-events.ts';

const emailed = 'lantern-pebble-oyster-mango-47293';

describe('comparing a typed temporary password', () => {
  it('ignores surrounding whitespace and case, as a paste or caps lock adds them', () => {
    for (const typed of [
      `${emailed} `,
      `${emailed}\n`,
      `\t ${emailed}\r\n`,
      emailed.toUpperCase(),
      'Lantern-Pebble-Oyster-Mango-47293',
    ])
      expect(canonicalTempPasswordInput(typed)).toBe(emailed);
  });
  it('reads full-width and other compatibility forms as their plain letters (NFKC)', () => {
    const fullWidth = [...emailed].map((ch) => String.fromCodePoint(ch.codePointAt(0)! + 0xfee0)).join('');
    expect(fullWidth).not.toBe(emailed);
    expect(canonicalTempPasswordInput(fullWidth)).toBe(emailed);
  });
  it('keeps inner spaces: they are not part of any generated password', () =>
    expect(canonicalTempPasswordInput('lantern pebble')).toBe('lantern pebble'));
});

describe('what counts as a try at a temporary password', () => {
  it('every generated password has the shape', () => {
    for (let i = 0; i < 2000; i += 1)
      expect(couldBeTempPassword(generateTempPassword((max) => randomInt(max)))).toBe(true);
  });
  it('counts a mistyped one that still has the shape, pasted with spaces or in capitals', () => {
    for (const typed of [
      'lantern-pebble-oyster-mango-47292',
      ` ${emailed.toUpperCase()}\n`,
      'lantrn-pebble-oystr-mango-47293',
    ])
      expect(couldBeTempPassword(typed)).toBe(true);
  });
  it('does not count an empty, junk or permanent-looking password', () => {
    for (const typed of [
      '',
      '   ',
      'password',
      'velvet otter juggles lanterns',
      `${emailed}-typo`,
      'lantern-pebble-oyster-47293',
      'lantern-pebble-oyster-mango-47210',
      "' OR 1=1 --",
      'a'.repeat(1000),
    ])
      expect({ typed, counts: couldBeTempPassword(typed) }).toEqual({ typed, counts: false });
  });
});

describe('LoginFailed recorded before couldBeTemporary existed', () => {
  it('is read as a try that counted, as every failure then did', () => {
    const [recorded] = asRecorded([{ type: 'LoginFailed', data: { clientId: 'C1', reason: 'wrong_password' } }]);
    expect(decodeEvent(recorded!)?.data).toEqual({ clientId: 'C1', reason: 'wrong_password', couldBeTemporary: true });
  });
});
