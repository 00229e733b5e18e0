// Scheduled charging (schedules.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.
import type { Limits } from './orders';

export type ScheduleState = 'pending' | 'started' | 'failed' | 'cancelled' | string;

export interface Schedule {
  id: number;
  charger_code: string;
  connector: number;
  start_at: string;
  limits: Limits;
  state: ScheduleState;
  fail_reason: string | null;
  order_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface ScheduleInput {
  charger_code: string;
  connector: number;
  /** ISO-8601 UTC */
  start_at: string;
  limits?: Limits;
}
