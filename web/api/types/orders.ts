// Charging orders (orders.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.
import type { PageQuery } from './common';
import type { PeriodKind, TariffSpec } from './tariffs';

export type OrderState = 'starting' | 'charging' | 'stopping' | 'settled' | 'cancelled';
export const ORDER_STATES: readonly OrderState[] = ['starting', 'charging', 'stopping', 'settled', 'cancelled'];
export const ACTIVE_ORDER_STATES: readonly OrderState[] = ['starting', 'charging', 'stopping'];

export interface Limits {
  energy_wh?: number | null;
  amount_fen?: number | null;
  minutes?: number | null;
}

export interface Segment {
  kind: PeriodKind;
  start: string;
  end: string;
  energy_wh: number;
  electricity_fen: number;
  service_fen: number;
}

/** Running values of an active order (from the live meter). */
export interface OrderLive {
  energy_wh: number;
  cost_fen: number;
  power_w: number;
  soc: number | null;
  at: string;
}

export interface Order {
  id: number;
  state: OrderState;
  stop_reason: string | null;
  /** 0 for a maintenance session started by staff */
  driver_id: number;
  station: { id: number; name: string };
  charger_code: string;
  connector: number;
  tx_id: string | null;
  schedule_id: number | null;
  limits: Limits;
  meter_start_wh: number | null;
  energy_wh: number;
  electricity_fen: number;
  service_fen: number;
  total_fen: number;
  paid_fen: number;
  refunded_fen: number;
  created_at: string;
  started_at: string | null;
  stopped_at: string | null;
  settled_at: string | null;
  /** the tariff the order is billed with (fixed at start) */
  tariff: TariffSpec;
  timezone: string;
  /** per-period breakdown once settled */
  segments: Segment[];
  /** detail of an active order */
  live?: OrderLive;
}

export interface StartOrderInput {
  charger_code: string;
  connector: number;
  limits?: Limits;
}

export interface OrderQuery extends PageQuery {
  state?: OrderState;
  /** ISO-8601 UTC */
  from?: string;
  to?: string;
}

export interface AdminOrderQuery extends OrderQuery {
  driver_id?: number;
  station_id?: number;
  charger_id?: number;
  charger_code?: string;
}
