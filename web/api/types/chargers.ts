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

/**
 * How a charger connects: `kw-mqtt/1` (Kilowatt's own MQTT protocol), `ocpp1.6` (OCPP 1.6J) or
 * `ocpp2.0.1` (OCPP 2.0.1), both through the OCPP edge (docs/ocpp.md); only the OCPP ones take the
 * operator's commands.
 */
export type ChargerProtocol = 'kw-mqtt/1' | 'ocpp1.6' | 'ocpp2.0.1';

/** The staff view of a charger (GET /admin/chargers, /admin/chargers/{id}). */
export interface AdminCharger extends Charger {
  station_id: number;
  station_name: string;
  protocol: ChargerProtocol | string;
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

/**
 * How an OCPP charge point logs in to the OCPP edge: `ws(s)://<edge host:port><path>` with HTTP
 * Basic `username` (the chargeBoxId, i.e. the charger code) and `password` (shown only once).
 */
export interface OcppCredentials {
  /** `/ocpp/<code>`: the edge's public address is not known to the server */
  path: string;
  username: string;
  password: string;
}

/** Answer of create-charger and reset-credentials: the password is shown this once. */
export interface ChargerWithCredentials extends AdminCharger {
  mqtt: MqttCredentials;
  /** OCPP chargers only */
  ocpp?: OcppCredentials;
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
  /** default kw-mqtt/1; cannot change later */
  protocol?: ChargerProtocol;
}

export type ChargerUpdate = Partial<Omit<ChargerInput, 'connectors' | 'code' | 'protocol'>>;

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

// ---- the operator's commands to OCPP chargers (POST/GET /admin/chargers/{id}/commands)

export type ChargerCommandKind =
  | 'reset'
  | 'unlock'
  | 'change_availability'
  | 'get_configuration'
  | 'set_configuration'
  | 'trigger_message'
  | 'clear_cache'
  | 'send_local_list'
  | 'get_local_list_version';

/**
 * A local authorisation list: `full` replaces the charger's list with every card; `differential`
 * sends only the cards changed since the version the charger holds (409 when that is not known:
 * send a full list first).
 */
export type LocalListUpdateType = 'full' | 'differential';

export type TriggerableMessage = 'boot' | 'heartbeat' | 'status' | 'meter';

/** The body of POST /admin/chargers/{id}/commands: the kind and its arguments. */
export type ChargerCommandInput =
  /** connector (OCPP 2.0.1 only): reset only that EVSE; absent or 0: the whole charger. */
  | { kind: 'reset'; type: 'soft' | 'hard'; connector?: number }
  /** connector 1..64 */
  | { kind: 'unlock'; connector: number }
  /** connector 0 = the whole charger */
  | { kind: 'change_availability'; connector: number; operative: boolean }
  /**
   * keys: up to 100; empty or absent = every key (for ocpp2.0.1 the whole device model). A key has
   * 1..50 characters for ocpp1.6, 1..220 for ocpp2.0.1, whose keys name device-model variables:
   * `Component[instance]@evse.connector/Variable[instance]` (e.g. `OCPPCommCtrlr/HeartbeatInterval`).
   */
  | { kind: 'get_configuration'; keys?: string[] }
  /** key as for get_configuration, value up to 500 */
  | { kind: 'set_configuration'; key: string; value: string }
  /** connector 0 or absent = not about one connector */
  | { kind: 'trigger_message'; message: TriggerableMessage; connector?: number }
  | { kind: 'clear_cache' }
  /** update_type absent = full */
  | { kind: 'send_local_list'; update_type?: LocalListUpdateType }
  | { kind: 'get_local_list_version' };

/**
 * `sent` until the charger answers; `accepted` (possibly with a reason such as `scheduled` or
 * `reboot_required`), `rejected` (reason e.g. `unlock_failed`, `not_supported`, `no_answer`),
 * `failed` (could not be sent), `timeout` (no answer recorded within 60 s).
 */
export type ChargerCommandStatus = 'sent' | 'accepted' | 'rejected' | 'failed' | 'timeout';

/** One key of a get_configuration answer; value null when the charger gave none. */
export interface ConfigurationKey {
  key: string;
  value: string | null;
  readonly: boolean;
}

/** `result` of an accepted get_configuration. */
export interface ConfigurationResult {
  configuration: ConfigurationKey[];
  unknown_keys: string[];
}

export interface ChargerCommand {
  id: number;
  charger_id: number;
  kind: ChargerCommandKind | string;
  /** the arguments as sent (the body without `kind`) */
  params: Record<string, unknown> | null;
  status: ChargerCommandStatus | string;
  /** the charger's reason in snake case; empty for a plain acceptance */
  reason: string;
  /** what the answer carried (get_configuration: ConfigurationResult; get_local_list_version: {list_version}) */
  result: Record<string, unknown> | null;
  /** who sent it; null: Kilowatt itself (a local list pushed after a driver blocked their card) */
  employee_id: number | null;
  created_at: string;
  answered_at: string | null;
}
