// Money, energy, power and price formatting. The API speaks integers: money in fen (1/100 yuan),
// energy in Wh, power in W, prices in 1/10000 yuan per kWh. These helpers never use floating-point
// arithmetic on money: amounts are split into integer parts.

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 1234 -> "¥12.34", -5 -> "-¥0.05", 123456789 -> "¥1,234,567.89". */
export function formatFen(fen: number | null | undefined, symbol = '¥'): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '-';
  const n = Math.round(fen);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${symbol}${groupThousands(String(yuan))}.${String(cents).padStart(2, '0')}`;
}

/** Plain yuan without symbol or grouping, for inputs and CSV: 1234 -> "12.34". */
export function fenToYuanText(fen: number): string {
  return formatFen(fen, '').replace(/,/g, '');
}

/**
 * "12.34" / "12.3" / "12" / "-0.5" -> fen; null for anything else (more than 2 decimals,
 * letters, empty). Parsed as text so 0.1 + 0.2 problems cannot happen.
 */
export function yuanTextToFen(text: string): number | null {
  const m = /^\s*(-)?(\d{1,12})(?:\.(\d{0,2}))?\s*$/.exec(text);
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/** 12345 -> "12.35 kWh" (2 decimals, rounded half away from zero). */
export function formatWh(wh: number | null | undefined, decimals = 2): string {
  if (wh === null || wh === undefined || !Number.isFinite(wh)) return '-';
  return `${formatKwhNumber(wh, decimals)} kWh`;
}

/** 12345 -> "12.35" (kWh value without unit, for tables, charts and CSV). */
export function formatKwhNumber(wh: number, decimals = 2): string {
  const factor = 10 ** decimals;
  const scaled = Math.round((Math.abs(wh) * factor) / 1000);
  const sign = wh < 0 && scaled !== 0 ? '-' : '';
  const whole = Math.floor(scaled / factor);
  const frac = decimals > 0 ? `.${String(scaled % factor).padStart(decimals, '0')}` : '';
  return `${sign}${whole}${frac}`;
}

/** 7040 -> "7.04 kW", 850 -> "0.85 kW". */
export function formatPower(w: number | null | undefined): string {
  if (w === null || w === undefined || !Number.isFinite(w)) return '-';
  return `${formatKwhNumber(w, 2)} kW`;
}

/** Price in 1/10000 yuan per kWh -> yuan text with 4 decimals: 12851 -> "1.2851". */
export function formatPrice(price: number | null | undefined): string {
  if (price === null || price === undefined || !Number.isFinite(price)) return '-';
  const n = Math.round(price);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  return `${sign}${Math.floor(abs / 10000)}.${String(abs % 10000).padStart(4, '0')}`;
}

/** "1.2851" / "1.2" / "0" -> 12851 / 12000 / 0 (1/10000 yuan); null if not a non-negative number with <= 4 decimals. */
export function yuanTextToPrice(text: string): number | null {
  const m = /^\s*(\d{1,6})(?:\.(\d{0,4}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 10000 + Number((m[2] ?? '').padEnd(4, '0'));
}

/** Yuan as a number (inputs with a step) -> 1/10000 yuan, rounded to the nearest unit. */
export function yuanToPrice(yuan: number): number {
  return Math.round(yuan * 10000);
}

/** 1/10000 yuan -> yuan as a number (for number inputs and charts). */
export function priceToYuan(price: number): number {
  return price / 10000;
}

/** fen -> yuan as a number (charts only; never for arithmetic on money). */
export function fenToYuan(fen: number): number {
  return fen / 100;
}
