// Chargers, connectors, alarms and QR resolution (chargers.ts, alarms.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.
import type { PriceNow } from './tariffs';

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
  'available' | 'preparing' | 'charging' | 'suspended' | 'finishing' | 'faulted' | 'unavailable' | 'offline' | 'unknown' | string;

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

/** One row of a CSV import that was not created; row 1 is the first row after the header. */
export interface ChargerImportError {
  row: number;
  code: string;
  message: string;
}

export interface ChargerImportResult {
  created: number;
  errors: ChargerImportError[];
  /** code,password,kind,connectors,rated_w: the file kilowatt-sim --chargers reads; shown once. */
  credentials_csv: string;
}
