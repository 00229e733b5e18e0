// Tariffs and their periods (tariffs.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.

/** 尖 sharp / 峰 peak / 平 flat / 谷 valley */
export type PeriodKind = 'sharp' | 'peak' | 'flat' | 'valley';
export const PERIOD_KINDS: readonly PeriodKind[] = ['sharp', 'peak', 'flat', 'valley'];

/** 1/10000 yuan per kWh */
export interface Price {
  electricity: number;
  service: number;
}

/** ["HH:MM", "HH:MM", kind], end exclusive, "24:00" allowed as an end. */
export type TariffPeriod = [string, string, PeriodKind];

export interface TariffSpec {
  prices: Partial<Record<PeriodKind, Price>>;
  periods: TariffPeriod[];
}

export interface Tariff extends TariffSpec {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface TariffInput extends TariffSpec {
  name: string;
}

export interface PriceNow {
  kind: PeriodKind;
  electricity: number;
  service: number;
  total: number;
}
