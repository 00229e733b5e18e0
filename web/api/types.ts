// Shapes of the Kilowatt REST API (server/src/http/handlers/*.cpp are the source of truth).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.

/** A page of a list endpoint: ?page=&page_size= (page_size at most 100). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface PageQuery {
  page?: number;
  page_size?: number;
}

/** Error body of every failed request. */
export interface ErrorBody {
  code: string;
  message: string;
}

// ------------------------------------------------------------------------------------- accounts

export type StaffRole = 'admin' | 'operator' | 'maintainer';
export type Role = StaffRole | 'driver';

export type Permission =
  | 'network_read'
  | 'network_write'
  | 'charger_control'
  | 'drivers_read'
  | 'drivers_write'
  | 'balance_adjust'
  | 'orders_read'
  | 'orders_force_stop'
  | 'orders_refund'
  | 'employees_manage'
  | 'audit_read'
  | 'dashboard_read';

export interface Employee {
  id: number;
  login: string;
  name: string;
  role: StaffRole;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

/** GET /me for staff. */
export interface StaffMe extends Employee {
  kind: 'staff';
  permissions: Permission[];
}

export type DriverStatus = 'active' | 'disabled';

export interface Driver {
  id: number;
  /** masked (138****8000) for drivers themselves, full for staff */
  phone: string;
  nickname: string;
  status: DriverStatus;
  balance_fen: number;
  created_at: string;
  /** staff view only */
  updated_at?: string;
}

/** GET /admin/drivers/{id} */
export interface DriverDetail extends Driver {
  order_count: number;
  active_order_count: number;
  ledger_count: number;
}

/** GET /me for drivers. */
export interface DriverMe extends Driver {
  kind: 'driver';
}

export type Me = StaffMe | DriverMe;

export interface Token {
  token: string;
  expires_at: string;
}

export interface StaffSession extends Token {
  employee: Employee;
}

export interface DriverSession extends Token {
  driver: Driver;
}

export type SmsPurpose = 'register';

/**
 * Answer of POST /auth/sms-code (202): the same for a taken and a free phone, so it tells nothing
 * about who has an account. The code is valid expires_in_s; a new one may be asked after
 * resend_after_s.
 */
export interface SmsCodeSent {
  sent: boolean;
  expires_in_s: number;
  resend_after_s: number;
}

// --------------------------------------------------------------------------------------- wallet

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

// -------------------------------------------------------------------------------------- tariffs

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

// ------------------------------------------------------------------------ stations and chargers

export interface LngLat {
  lng: number;
  lat: number;
}

export interface ConnectorCounts {
  total: number;
  available: number;
  charging: number;
  faulted: number;
  offline: number;
}

/** Connector status as the charger reports it (plus "offline"/"unknown" when not known). */
export type ConnectorStatus =
  | 'available'
  | 'preparing'
  | 'charging'
  | 'suspended'
  | 'finishing'
  | 'faulted'
  | 'unavailable'
  | 'offline'
  | 'unknown'
  | string;

export interface Connector {
  number: number;
  max_w: number;
  status: ConnectorStatus;
  power_w: number;
  energy_wh: number;
  soc: number | null;
  /** `<public_url>/app/c/<code>/<n>`: what the printed QR label holds */
  qr_content: string;
}

export type ChargerKind = 'AC' | 'DC';

export interface Charger {
  id: number;
  code: string;
  name: string;
  kind: ChargerKind;
  rated_w: number;
  online: boolean;
  vendor: string;
  model: string;
  firmware: string;
  connectors: Connector[];
}

export interface Alarm {
  id: number;
  charger_id: number;
  charger_code: string;
  connector_no: number;
  code: string;
  severity: 'info' | 'warning' | 'error' | string;
  message: string;
  raised_at: string;
  cleared_at: string | null;
}

/** The staff view of a charger (GET /admin/chargers, /admin/chargers/{id}). */
export interface AdminCharger extends Charger {
  station_id: number;
  station_name: string;
  protocol: string;
  last_seen: string | null;
  last_boot_at: string | null;
  created_at: string;
  updated_at: string;
  /** detail only */
  recent_alarms?: Alarm[];
}

export interface MqttCredentials {
  host: string;
  port: number;
  username: string;
  password: string;
  client_id: string;
}

/** Answer of create-charger and reset-credentials: the password is shown this once. */
export interface ChargerWithCredentials extends AdminCharger {
  mqtt: MqttCredentials;
}

export interface ConnectorInput {
  number: number;
  max_w?: number;
}

export interface ChargerInput {
  code: string;
  station_id: number;
  name?: string;
  kind: ChargerKind;
  rated_w: number;
  /** a count 1..8 or the list; absent: one connector at rated_w */
  connectors?: number | ConnectorInput[];
}

export type ChargerUpdate = Partial<Omit<ChargerInput, 'connectors' | 'code'>>;

/** The drivers' view of a charger (GET /chargers/{code}). */
export interface PublicCharger extends Charger {
  station: { id: number; name: string; address: string } | null;
  price_now: PriceNow | null;
}

export interface QrResolution {
  charger: PublicCharger;
  connector: number;
}

export interface Station {
  id: number;
  name: string;
  address: string;
  location: { wgs84: LngLat; gcj02: LngLat };
  timezone: string;
  /** "00:00-24:00" or "08:00-22:00" (local time of the station) */
  opening_hours: string;
  open_now: boolean;
  tariff_id: number;
  price_now: PriceNow | null;
  connectors: ConnectorCounts;
  /** /stations/nearby only */
  distance_m?: number;
}

export interface StationDetail extends Station {
  tariff: (TariffSpec & { id: number; name: string }) | null;
  chargers: Charger[];
}

export interface StationInput {
  name: string;
  address: string;
  /** WGS-84 */
  lng: number;
  lat: number;
  timezone: string;
  opening_hours?: string;
  tariff_id: number;
}

export interface NearbyQuery {
  lng: number;
  lat: number;
  datum?: 'wgs84' | 'gcj02';
  radius_m?: number;
  limit?: number;
  available_only?: boolean;
  dc_only?: boolean;
  open_now?: boolean;
}

// --------------------------------------------------------------------------------------- orders

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

// ------------------------------------------------------------------------------------ schedules

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

// ------------------------------------------------------------------------------ dashboard, audit

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

export interface EmployeeInput {
  login: string;
  password: string;
  name: string;
  role: StaffRole;
}

export interface EmployeeUpdate {
  name?: string;
  role?: StaffRole;
  enabled?: boolean;
}

// ---------------------------------------------------------------------------------- live events

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
