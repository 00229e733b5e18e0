import { describe, expect, it } from 'vitest';
import {
  addPeriod,
  draftToInput,
  fromMinutes,
  kindAt,
  mergeAdjacent,
  newDraft,
  removePeriod,
  tariffToDraft,
  timeline,
  toMinutes,
  validateDraft,
  validatePeriods,
  validatePrices,
  type DraftPeriod,
  type TariffDraft,
} from './tariff';

const demo = {
  name: '分时电价',
  prices: {
    sharp: { electricity: 12851, service: 8000 },
    peak: { electricity: 10713, service: 8000 },
    flat: { electricity: 6424, service: 6000 },
    valley: { electricity: 3135, service: 4000 },
  },
  periods: [
    ['00:00', '08:00', 'valley'],
    ['08:00', '10:00', 'flat'],
    ['10:00', '12:00', 'peak'],
    ['12:00', '14:00', 'sharp'],
    ['14:00', '22:00', 'flat'],
    ['22:00', '24:00', 'valley'],
  ] as [string, string, 'valley' | 'flat' | 'peak' | 'sharp'][],
};

const p = (start: string, end: string, kind: DraftPeriod['kind'] = 'flat'): DraftPeriod => ({ start, end, kind });

describe('times', () => {
  it('parses HH:MM and allows 24:00 only as an end', () => {
    expect(toMinutes('00:00')).toBe(0);
    expect(toMinutes('08:30')).toBe(510);
    expect(toMinutes('23:59')).toBe(1439);
    expect(toMinutes('24:00')).toBeNull();
    expect(toMinutes('24:00', true)).toBe(1440);
    expect(toMinutes('24:01', true)).toBeNull();
    expect(toMinutes('8:00')).toBeNull();
    expect(toMinutes('12:60')).toBeNull();
    expect(fromMinutes(1440)).toBe('24:00');
    expect(fromMinutes(65)).toBe('01:05');
  });
});

describe('validatePeriods', () => {
  it('accepts periods that cover the day exactly, in any row order', () => {
    expect(validatePeriods([p('12:00', '24:00'), p('00:00', '12:00', 'valley')])).toEqual([]);
    expect(validatePeriods(tariffToDraft(demo).periods)).toEqual([]);
  });

  it('reports a gap at the start, in the middle and at the end', () => {
    expect(validatePeriods([p('01:00', '24:00')])).toEqual([{ code: 'gap', from: '00:00', to: '01:00' }]);
    expect(validatePeriods([p('00:00', '08:00'), p('09:00', '24:00')])).toEqual([{ code: 'gap', from: '08:00', to: '09:00' }]);
    expect(validatePeriods([p('00:00', '23:00')])).toEqual([{ code: 'gap', from: '23:00', to: '24:00' }]);
  });

  it('reports overlaps', () => {
    expect(validatePeriods([p('00:00', '10:00'), p('09:00', '24:00')])).toEqual([{ code: 'overlap', from: '09:00', to: '10:00' }]);
    // a period inside another
    expect(validatePeriods([p('00:00', '24:00'), p('10:00', '11:00', 'peak')])).toEqual([{ code: 'overlap', from: '10:00', to: '11:00' }]);
  });

  it('reports malformed times and a start not before its end', () => {
    const issues = validatePeriods([p('00:00', '25:00'), p('12:00', '12:00'), p('x', '24:00')]);
    expect(issues).toContainEqual({ code: 'bad_time', index: 0, field: 'end' });
    expect(issues).toContainEqual({ code: 'not_before', index: 1 });
    expect(issues).toContainEqual({ code: 'bad_time', index: 2, field: 'start' });
  });

  it('refuses an empty list and more than 48 periods', () => {
    expect(validatePeriods([])).toEqual([{ code: 'no_periods' }]);
    const many = Array.from({ length: 49 }, (_, i) => p(fromMinutes(i * 20), fromMinutes(i === 48 ? 1440 : (i + 1) * 20)));
    expect(validatePeriods(many)).toContainEqual({ code: 'too_many_periods' });
  });
});

describe('validatePrices', () => {
  const draft = (electricity: string, service = '0.5'): Pick<TariffDraft, 'periods' | 'prices'> => ({
    periods: [p('00:00', '24:00', 'peak')],
    prices: { ...newDraft().prices, peak: { electricity, service } },
  });

  it('accepts zero and up to 4 decimals', () => {
    expect(validatePrices(draft('0'))).toEqual([]);
    expect(validatePrices(draft('1.2851'))).toEqual([]);
    expect(validatePrices(draft('100'))).toEqual([]);
  });

  it('refuses negative, malformed, too precise and too high prices', () => {
    expect(validatePrices(draft('-0.1'))).toEqual([{ code: 'price_negative', kind: 'peak', field: 'electricity' }]);
    expect(validatePrices(draft('abc'))).toEqual([{ code: 'price_invalid', kind: 'peak', field: 'electricity' }]);
    expect(validatePrices(draft('1.23456'))).toEqual([{ code: 'price_invalid', kind: 'peak', field: 'electricity' }]);
    expect(validatePrices(draft(''))).toEqual([{ code: 'price_invalid', kind: 'peak', field: 'electricity' }]);
    expect(validatePrices(draft('100.0001'))).toEqual([{ code: 'price_too_high', kind: 'peak', field: 'electricity' }]);
  });

  it('checks only the kinds the periods use', () => {
    const d = draft('1');
    d.prices.sharp = { electricity: 'junk', service: '-1' };
    expect(validatePrices(d)).toEqual([]);
  });
});

describe('conversion', () => {
  it('round-trips a stored tariff through the draft to the same API body', () => {
    const draft = tariffToDraft(demo);
    expect(draft.prices.sharp).toEqual({ electricity: '1.2851', service: '0.8000' });
    expect(draftToInput(draft)).toEqual(demo);
  });

  it('sorts the periods and sends prices of the used kinds only, in 1/10000 yuan', () => {
    const draft: TariffDraft = {
      name: '  夜间优惠 ',
      periods: [p('08:00', '24:00', 'flat'), p('00:00', '08:00', 'valley')],
      prices: {
        ...newDraft().prices,
        flat: { electricity: '0.6424', service: '0.6' },
        valley: { electricity: '0.3135', service: '0.4' },
        sharp: { electricity: '9', service: '9' },
      },
    };
    expect(draftToInput(draft)).toEqual({
      name: '夜间优惠',
      periods: [
        ['00:00', '08:00', 'valley'],
        ['08:00', '24:00', 'flat'],
      ],
      prices: { flat: { electricity: 6424, service: 6000 }, valley: { electricity: 3135, service: 4000 } },
    });
  });

  it('refuses to convert an invalid draft', () => {
    const draft = newDraft();
    expect(validateDraft(draft)).toEqual([{ code: 'name_required' }]);
    expect(() => draftToInput(draft)).toThrow(/name_required/);
  });
});

describe('editing', () => {
  it('adds a period into the first gap', () => {
    expect(addPeriod([p('00:00', '08:00'), p('10:00', '24:00')], 'peak')).toEqual([
      p('00:00', '08:00'),
      p('08:00', '10:00', 'peak'),
      p('10:00', '24:00'),
    ]);
    expect(addPeriod([p('00:00', '20:00')], 'valley')).toEqual([p('00:00', '20:00'), p('20:00', '24:00', 'valley')]);
  });

  it('splits the longest period on a whole hour when the day is covered', () => {
    expect(addPeriod([p('00:00', '24:00')], 'peak')).toEqual([p('00:00', '12:00'), p('12:00', '24:00', 'peak')]);
    expect(addPeriod([p('00:00', '23:00'), p('23:00', '24:00')], 'sharp')).toEqual([
      p('00:00', '11:00'),
      p('11:00', '23:00', 'sharp'),
      p('23:00', '24:00'),
    ]);
    const after = addPeriod(addPeriod([p('00:00', '24:00')]));
    expect(validatePeriods(after)).toEqual([]);
  });

  it('removes a period and lets the previous one cover its time', () => {
    const out = removePeriod([p('00:00', '08:00', 'valley'), p('08:00', '12:00', 'peak'), p('12:00', '24:00')], 1);
    expect(out).toEqual([p('00:00', '12:00', 'valley'), p('12:00', '24:00')]);
    expect(validatePeriods(out)).toEqual([]);
    // the first row: the next one grows backwards
    expect(removePeriod([p('00:00', '08:00', 'valley'), p('08:00', '24:00')], 0)).toEqual([p('00:00', '24:00')]);
    // the last row cannot go
    expect(removePeriod([p('00:00', '24:00')], 0)).toEqual([p('00:00', '24:00')]);
  });

  it('merges neighbours of the same kind', () => {
    expect(mergeAdjacent([p('12:00', '24:00', 'valley'), p('00:00', '06:00', 'valley'), p('06:00', '12:00', 'valley')])).toEqual([
      p('00:00', '24:00', 'valley'),
    ]);
  });

  it('draws the timeline in percent of the day and marks overlaps', () => {
    const blocks = timeline([p('00:00', '06:00', 'valley'), p('06:00', '24:00'), p('05:00', '07:00', 'peak')]);
    expect(blocks.map((b) => [b.start, b.left, b.width, b.overlapping])).toEqual([
      ['00:00', 0, 25, true],
      ['05:00', (300 / 1440) * 100, (120 / 1440) * 100, true],
      ['06:00', 25, 75, true],
    ]);
    expect(timeline([p('00:00', '24:00')])[0]).toMatchObject({ left: 0, width: 100, overlapping: false });
  });

  it('tells the kind in force at a minute', () => {
    const periods = tariffToDraft(demo).periods;
    expect(kindAt(periods, 0)).toBe('valley');
    expect(kindAt(periods, 12 * 60 + 30)).toBe('sharp');
    expect(kindAt(periods, 1439)).toBe('valley');
    expect(kindAt([p('00:00', '01:00')], 120)).toBeNull();
  });
});
