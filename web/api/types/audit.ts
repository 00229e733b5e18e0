// The audit log (audit.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.
import type { PageQuery } from './common';

export interface AuditEntry {
  id: number;
  employee_id: number;
  employee_login: string;
  action: string;
  /** "station:3", "order:7" ... */
  target: string;
  detail: Record<string, unknown>;
  created_at: string;
}

export interface AuditQuery extends PageQuery {
  employee_id?: number;
  action?: string;
  from?: string;
  to?: string;
}
