import { describe, expect, it } from 'vitest';
import { cardState, normalizeCardUid, uidProblem } from './cards';

describe('cards', () => {
  it('says a blocked card is blocked even when it has expired too', () => {
    expect(cardState({ status: 'active', expired: false })).toBe('active');
    expect(cardState({ status: 'active', expired: true })).toBe('expired');
    expect(cardState({ status: 'blocked', expired: false })).toBe('blocked');
    expect(cardState({ status: 'blocked', expired: true })).toBe('blocked');
  });

  it('keeps a uid as the server does: trimmed and upper case', () => {
    expect(normalizeCardUid('  04a2b3c4d5 ')).toBe('04A2B3C4D5');
  });

  it('accepts 1 to 20 printable ASCII characters', () => {
    expect(uidProblem('04A2B3C4D5E6F7')).toBeNull();
    expect(uidProblem('a')).toBeNull();
    expect(uidProblem('x'.repeat(20))).toBeNull();
    expect(uidProblem('card-#1!~')).toBeNull();
  });

  it('names what is wrong with a uid the server would refuse', () => {
    expect(uidProblem('')).toBe('empty');
    expect(uidProblem('   ')).toBe('empty');
    expect(uidProblem('x'.repeat(21))).toBe('too_long');
    expect(uidProblem('AB CD')).toBe('characters');
    expect(uidProblem('卡1')).toBe('characters');
    expect(uidProblem('AB\tCD')).toBe('characters');
  });

  it('refuses the reserved KW-O prefix in any case', () => {
    expect(uidProblem('KW-O123')).toBe('reserved');
    expect(uidProblem('kw-o123')).toBe('reserved');
    expect(uidProblem('KW-123')).toBeNull();
  });
});
