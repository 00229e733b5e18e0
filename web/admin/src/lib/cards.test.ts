import { describe, expect, it } from 'vitest';
import { dayOfExpiry, expiryOfDay } from './cards';

describe('card expiry', () => {
  it('sends the end of the picked local day', () => {
    const iso = expiryOfDay(new Date(2030, 11, 31));
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const back = new Date(iso as string);
    expect([back.getFullYear(), back.getMonth(), back.getDate()]).toEqual([2030, 11, 31]);
    expect([back.getHours(), back.getMinutes(), back.getSeconds()]).toEqual([23, 59, 59]);
  });

  it('ignores the time of day the picker may carry', () => {
    expect(expiryOfDay(new Date(2030, 0, 5, 8, 30))).toBe(expiryOfDay(new Date(2030, 0, 5)));
  });

  it('sends null for no day: the card never expires', () => {
    expect(expiryOfDay(null)).toBeNull();
    expect(expiryOfDay(undefined)).toBeNull();
    expect(expiryOfDay(new Date('nope'))).toBeNull();
  });

  it('shows an expiry as its local day, and round-trips', () => {
    const iso = expiryOfDay(new Date(2031, 5, 15)) as string;
    const day = dayOfExpiry(iso) as Date;
    expect([day.getFullYear(), day.getMonth(), day.getDate(), day.getHours()]).toEqual([2031, 5, 15, 0]);
    expect(expiryOfDay(day)).toBe(iso);
    expect(dayOfExpiry(null)).toBeNull();
    expect(dayOfExpiry('garbage')).toBeNull();
  });
});
