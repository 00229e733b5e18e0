// The tariff editor's logic, without any UI: a draft (times as "HH:MM", prices as yuan text the way
// the operator types them), its validation (the same rules as the server's domain::parse_tariff:
// periods cover 00:00-24:00 with no gap and no overlap, every used kind has a non-negative price of
// at most 100 yuan/kWh with at most 4 decimals) and the conversion to and from the API's
// TariffInput (prices in 1/10000 yuan per kWh).
import { formatPrice, yuanTextToPrice } from '@kilowatt/api/money';
import { PERIOD_KINDS, type PeriodKind, type Tariff, type TariffInput, type TariffPeriod } from '@kilowatt/api/types';

export const DAY_MINUTES = 1440;
export const MAX_PERIODS = 48;
/** 100 yuan/kWh in 1/10000 yuan (domain::kMaxPrice). */
export const MAX_PRICE = 1_000_000;

export interface DraftPeriod {
  start: string;
  end: string;
  kind: PeriodKind;
}

export interface DraftPrice {
  electricity: string;
  service: string;
}

export interface TariffDraft {
  name: string;
  periods: DraftPeriod[];
  prices: Record<PeriodKind, DraftPrice>;
}

export type TariffIssue =
  | { code: 'name_required' }
  | { code: 'name_too_long' }
  | { code: 'no_periods' }
  | { code: 'too_many_periods' }
  | { code: 'bad_time'; index: number; field: 'start' | 'end' }
  | { code: 'not_before'; index: number }
  | { code: 'gap'; from: string; to: string }
  | { code: 'overlap'; from: string; to: string }
  | { code: 'price_invalid'; kind: PeriodKind; field: keyof DraftPrice }
  | { code: 'price_negative'; kind: PeriodKind; field: keyof DraftPrice }
  | { code: 'price_too_high'; kind: PeriodKind; field: keyof DraftPrice };

/** "08:30" -> 510; "24:00" only when allow24; null when malformed. */
export function toMinutes(text: string, allow24 = false): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h === 24 && min === 0 && allow24) return DAY_MINUTES;
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

/** 510 -> "08:30", 1440 -> "24:00". */
export function fromMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

interface Span {
  start: number;
  end: number;
  kind: PeriodKind;
  index: number;
}

/** The rows whose times parse and run forward, sorted by start (then end). */
function spans(periods: DraftPeriod[]): Span[] {
  const out: Span[] = [];
  periods.forEach((p, index) => {
    const start = toMinutes(p.start, false);
    const end = toMinutes(p.end, true);
    if (start === null || end === null || start >= end) return;
    out.push({ start, end, kind: p.kind, index });
  });
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Problems of the periods: bad times, gaps and overlaps over the 24 hours. */
export function validatePeriods(periods: DraftPeriod[]): TariffIssue[] {
  const issues: TariffIssue[] = [];
  if (periods.length === 0) return [{ code: 'no_periods' }];
  if (periods.length > MAX_PERIODS) issues.push({ code: 'too_many_periods' });
  periods.forEach((p, index) => {
    const start = toMinutes(p.start, false);
    const end = toMinutes(p.end, true);
    if (start === null) issues.push({ code: 'bad_time', index, field: 'start' });
    if (end === null) issues.push({ code: 'bad_time', index, field: 'end' });
    if (start !== null && end !== null && start >= end) issues.push({ code: 'not_before', index });
  });
  const sorted = spans(periods);
  let covered = 0; // everything before this minute is covered
  for (const s of sorted) {
    if (s.start > covered) issues.push({ code: 'gap', from: fromMinutes(covered), to: fromMinutes(s.start) });
    if (s.start < covered) {
      issues.push({ code: 'overlap', from: fromMinutes(s.start), to: fromMinutes(Math.min(covered, s.end)) });
    }
    covered = Math.max(covered, s.end);
  }
  if (covered < DAY_MINUTES) issues.push({ code: 'gap', from: fromMinutes(covered), to: '24:00' });
  return issues;
}

/** The kinds the periods use, in the order 尖 峰 平 谷. */
export function usedKinds(periods: DraftPeriod[]): PeriodKind[] {
  const used = new Set(periods.map((p) => p.kind));
  return PERIOD_KINDS.filter((k) => used.has(k));
}

/** Problems of the prices of the kinds in use. */
export function validatePrices(draft: Pick<TariffDraft, 'periods' | 'prices'>): TariffIssue[] {
  const issues: TariffIssue[] = [];
  for (const kind of usedKinds(draft.periods)) {
    for (const field of ['electricity', 'service'] as const) {
      const text = (draft.prices[kind]?.[field] ?? '').trim();
      if (/^-\s*\d/.test(text)) {
        issues.push({ code: 'price_negative', kind, field });
        continue;
      }
      const price = yuanTextToPrice(text);
      if (price === null) issues.push({ code: 'price_invalid', kind, field });
      else if (price > MAX_PRICE) issues.push({ code: 'price_too_high', kind, field });
    }
  }
  return issues;
}

export function validateDraft(draft: TariffDraft): TariffIssue[] {
  const issues: TariffIssue[] = [];
  const name = draft.name.trim();
  if (!name) issues.push({ code: 'name_required' });
  else if ([...name].length > 100) issues.push({ code: 'name_too_long' });
  return [...issues, ...validatePeriods(draft.periods), ...validatePrices(draft)];
}

/** The request body of a valid draft: periods sorted, prices of the used kinds in 1/10000 yuan. */
export function draftToInput(draft: TariffDraft): TariffInput {
  const issues = validateDraft(draft);
  if (issues.length > 0) throw new Error(`invalid tariff draft: ${issues.map((i) => i.code).join(', ')}`);
  const periods: TariffPeriod[] = spans(draft.periods).map((s) => [fromMinutes(s.start), fromMinutes(s.end), s.kind]);
  const prices: TariffInput['prices'] = {};
  for (const kind of usedKinds(draft.periods)) {
    prices[kind] = {
      electricity: yuanTextToPrice(draft.prices[kind].electricity) as number,
      service: yuanTextToPrice(draft.prices[kind].service) as number,
    };
  }
  return { name: draft.name.trim(), periods, prices };
}

function emptyPrices(): Record<PeriodKind, DraftPrice> {
  return {
    sharp: { electricity: '', service: '' },
    peak: { electricity: '', service: '' },
    flat: { electricity: '', service: '' },
    valley: { electricity: '', service: '' },
  };
}

/** The draft of a stored tariff (prices shown as yuan with 4 decimals). */
export function tariffToDraft(tariff: Pick<Tariff, 'name' | 'periods' | 'prices'>): TariffDraft {
  const prices = emptyPrices();
  for (const kind of PERIOD_KINDS) {
    const p = tariff.prices[kind];
    if (p) prices[kind] = { electricity: formatPrice(p.electricity), service: formatPrice(p.service) };
  }
  return {
    name: tariff.name,
    periods: tariff.periods.map(([start, end, kind]) => ({ start, end, kind })),
    prices,
  };
}

/** A new tariff: one flat period over the whole day. */
export function newDraft(): TariffDraft {
  const prices = emptyPrices();
  prices.flat = { electricity: '0.6000', service: '0.6000' };
  return { name: '', periods: [{ start: '00:00', end: '24:00', kind: 'flat' }], prices };
}

/**
 * Adds a period: it fills the first gap if there is one, else it splits the longest period in two
 * (the new half takes `kind`). Returns a new array sorted by start.
 */
export function addPeriod(periods: DraftPeriod[], kind: PeriodKind = 'flat'): DraftPeriod[] {
  const sorted = spans(periods);
  const valid = sorted.map((s) => periods[s.index]);
  let covered = 0;
  for (const s of sorted) {
    if (s.start > covered) {
      return sortPeriods([...valid, { start: fromMinutes(covered), end: fromMinutes(s.start), kind }]);
    }
    covered = Math.max(covered, s.end);
  }
  if (covered < DAY_MINUTES) {
    return sortPeriods([...valid, { start: fromMinutes(covered), end: '24:00', kind }]);
  }
  const longest = sorted.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
  if (longest.end - longest.start < 2) return sortPeriods(valid);
  // Split on a whole hour when the period is long enough, else in the middle.
  const length = longest.end - longest.start;
  const wholeHours = Math.floor(length / 120) * 60;
  const middle = longest.start + (wholeHours > 0 ? wholeHours : Math.floor(length / 2));
  const out = valid.filter((_, i) => sorted[i] !== longest);
  out.push({ start: fromMinutes(longest.start), end: fromMinutes(middle), kind: longest.kind });
  out.push({ start: fromMinutes(middle), end: fromMinutes(longest.end), kind });
  return sortPeriods(out);
}

/** Removes row index; the previous row (or else the next) grows over its time so the day stays covered. */
export function removePeriod(periods: DraftPeriod[], index: number): DraftPeriod[] {
  if (periods.length <= 1) return periods.slice();
  const out = periods.map((p) => ({ ...p }));
  const [removed] = out.splice(index, 1);
  const prev = out[index - 1];
  const next = out[index];
  if (prev && prev.end === removed.start) prev.end = removed.end;
  else if (next && next.start === removed.end) next.start = removed.start;
  return out;
}

/** Rows sorted by start time (rows with unreadable times keep their place at the end). */
export function sortPeriods(periods: DraftPeriod[]): DraftPeriod[] {
  const key = (p: DraftPeriod) => toMinutes(p.start) ?? Number.MAX_SAFE_INTEGER;
  return periods.map((p) => ({ ...p })).sort((a, b) => key(a) - key(b));
}

/** Joins neighbouring rows of the same kind ("23:00-24:00 valley" after "22:00-23:00 valley"). */
export function mergeAdjacent(periods: DraftPeriod[]): DraftPeriod[] {
  const out: DraftPeriod[] = [];
  for (const p of sortPeriods(periods)) {
    const last = out[out.length - 1];
    if (last && last.kind === p.kind && last.end === p.start) last.end = p.end;
    else out.push({ ...p });
  }
  return out;
}

export interface TimelineBlock {
  kind: PeriodKind;
  start: string;
  end: string;
  /** position and width in percent of the day */
  left: number;
  width: number;
  /** overlaps another block */
  overlapping: boolean;
}

/** Blocks to draw the periods on a 24-hour bar (rows with bad times are left out). */
export function timeline(periods: DraftPeriod[]): TimelineBlock[] {
  const sorted = spans(periods);
  return sorted.map((s, i) => ({
    kind: s.kind,
    start: fromMinutes(s.start),
    end: fromMinutes(s.end),
    left: (s.start / DAY_MINUTES) * 100,
    width: ((s.end - s.start) / DAY_MINUTES) * 100,
    overlapping: sorted.some((o, j) => j !== i && o.start < s.end && s.start < o.end),
  }));
}

/** The kind in force at a minute of the day (for the price-now preview); null in a gap. */
export function kindAt(periods: DraftPeriod[], minute: number): PeriodKind | null {
  for (const s of spans(periods)) if (minute >= s.start && minute < s.end) return s.kind;
  return null;
}
