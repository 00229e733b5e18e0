// The dashboard numbers (dashboard.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.
import type { ConnectorCounts } from './chargers';

export interface DayTotals {
  date: string;
  energy_wh: number;
  revenue_fen: number;
  orders: number;
}

export interface Dashboard {
  chargers: { online: number; total: number };
  connectors: ConnectorCounts;
  sessions_active: number;
  timezone: string;
  today: { energy_wh: number; revenue_fen: number; orders: number };
  /** the last 30 local days, oldest first */
  days: DayTotals[];
}
