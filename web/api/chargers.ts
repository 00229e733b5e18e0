// Chargers: the drivers' view by code or QR content, and the staff list/detail/create/edit/delete,
// MQTT (and OCPP) credentials, connectors, remote start/stop and the operator's commands to OCPP
// chargers.
import { http, type RequestOptions } from './http';
import type {
  AdminCharger,
  ChargerCommand,
  ChargerCommandInput,
  ChargerImportResult,
  ChargerInput,
  ChargerUpdate,
  ChargerWithCredentials,
  Limits,
  Order,
  Page,
  PageQuery,
  PublicCharger,
  QrResolution,
} from './types';

export const getPublicCharger = (code: string) => http.get<PublicCharger>(`/chargers/${encodeURIComponent(code)}`);

/** content: the scanned text (`<public_url>/app/c/<code>/<n>` or `<code>/<n>`). */
export const chargerByQr = (content: string) => http.get<QrResolution>('/chargers/by-qr', { content });

export interface ChargerQuery extends PageQuery {
  q?: string;
  station_id?: number;
  online?: boolean;
}

export const listChargers = (query: ChargerQuery = {}) => http.get<Page<AdminCharger>>('/admin/chargers', { ...query });

export const getCharger = (id: number) => http.get<AdminCharger>(`/admin/chargers/${id}`);

/** The answer holds the MQTT password (and for `ocpp1.6` and `ocpp2.0.1` the OCPP login), shown this once. */
export const createCharger = (input: ChargerInput) => http.post<ChargerWithCredentials>('/admin/chargers', input);

/**
 * CSV with the header code,name,station_id,kind,connectors,rated_w and at most 1,000 rows (the
 * console sends 500 per request: lib/charger-import.ts). The answer holds the MQTT passwords once.
 */
export const importChargers = (csv: string) =>
  http.post<ChargerImportResult>('/admin/chargers/import', csv, { contentType: 'text/csv', timeoutMs: 120000 });

export const updateCharger = (id: number, input: ChargerUpdate) => http.put<AdminCharger>(`/admin/chargers/${id}`, input);

export const deleteCharger = (id: number) => http.del(`/admin/chargers/${id}`);

/** A new password; the answer holds it (MQTT, and the OCPP login for OCPP chargers) this once. */
/** A new password; the answer holds it (MQTT, and the OCPP login for OCPP chargers) this once. */
export const resetCredentials = (id: number) => http.post<ChargerWithCredentials>(`/admin/chargers/${id}/credentials`);

export const addConnector = (id: number, input: { number?: number; max_w?: number } = {}) =>
  http.post<AdminCharger>(`/admin/chargers/${id}/connectors`, input);

export const updateConnector = (id: number, number: number, maxW: number) =>
  http.put<AdminCharger>(`/admin/chargers/${id}/connectors/${number}`, { max_w: maxW });

export const deleteConnector = (id: number, number: number) => http.del(`/admin/chargers/${id}/connectors/${number}`);

/** Maintenance session: energy recorded, nothing billed (driver_id 0). */
export const remoteStart = (id: number, connector: number, limits?: Limits) =>
  http.post<Order>(`/admin/chargers/${id}/remote-start`, limits ? { connector, limits } : { connector });

/** 409 when the connector has no active session. */
export const remoteStop = (id: number, connector: number) => http.post<Order>(`/admin/chargers/${id}/remote-stop`, { connector });

/**
 * One of the operator's commands to an OCPP charger: answered at once (202) with the command in
 * status `sent`; the outcome arrives later (getChargerCommand, or the `command` event on the
 * `charger:<code>` channel). 409 for a kw-mqtt/1 charger, 503 when it is offline, 400 bad arguments.
 */
export const sendChargerCommand = (id: number, input: ChargerCommandInput) =>
  http.post<ChargerCommand>(`/admin/chargers/${id}/commands`, input);

export const getChargerCommand = (id: number, commandId: number, options: RequestOptions = {}) =>
  http.get<ChargerCommand>(`/admin/chargers/${id}/commands/${commandId}`, undefined, options);

/** The charger's commands, newest first. */
export const listChargerCommands = (id: number, query: PageQuery = {}) =>
  http.get<Page<ChargerCommand>>(`/admin/chargers/${id}/commands`, { ...query });
