// Pushes of the live socket and its tickets (ws.ts, ws-ticket.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.

/** Data of "meter" on connector/charger/station channels. */
export interface MeterEvent {
  charger_code: string;
  connector: number;
  power_w: number;
  energy_register_wh: number;
  voltage_v: number;
  current_a: number;
  soc: number | null;
  at: string;
}

/** Data of "meter" on order:<id> channels. */
export interface OrderMeterEvent {
  order_id: number;
  energy_wh: number;
  cost_fen: number;
  power_w: number;
  soc: number | null;
  at: string;
}

/** A message pushed by the server on a subscribed channel. */
/** POST /ws-ticket (201): a one-time ticket for GET /ws?ticket=..., valid expires_in_s. */
export interface WsTicket {
  ticket: string;
  expires_in_s: number;
}

export interface LiveMessage<T = Record<string, unknown>> {
  channel: string;
  event: 'meter' | 'status' | 'online' | 'offline' | 'boot' | 'alarm' | 'order' | string;
  data: T;
}
