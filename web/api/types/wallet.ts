// Balance, ledger and top-ups (wallet.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.

export type LedgerReason = 'topup' | 'charge' | 'refund' | 'adjustment' | string;

export interface LedgerRow {
  id: number;
  delta_fen: number;
  balance_after_fen: number;
  reason: LedgerReason;
  order_id: number | null;
  topup_id: number | null;
  note: string;
  created_at: string;
  /** staff view only: who made an adjustment */
  employee_id?: number | null;
}

export interface Wallet {
  balance_fen: number;
}

export type TopupState = 'pending' | 'paid' | 'failed' | string;

export interface Topup {
  id: number;
  amount_fen: number;
  state: TopupState;
  provider: string;
  provider_ref: string;
  created_at: string;
  paid_at: string | null;
}

export interface CreatedTopup extends Topup {
  /** What the client needs to pay; the sandbox provider gives {pay_path, sign}. */
  client_params: { pay_path?: string; sign?: string } & Record<string, unknown>;
}

export interface PaidTopup extends Topup {
  balance_fen: number;
}

export interface BalanceChange {
  balance_fen: number;
  ledger_id: number;
}
