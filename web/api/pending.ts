// OCPP charge points waiting for approval: staff list the ones an edge holds (network_read),
// approve one into a charger or dismiss it (network_write). Approving answers the new charger with
// its one-time credentials, like createCharger; the edge also hands the password to the station
// as its AuthorizationKey.
import { http, type RequestOptions } from './http';
import type { ChargerWithCredentials, PendingApproval, PendingStationList } from './types';

const path = (code: string) => `/admin/ocpp/pending/${encodeURIComponent(code)}`;

/** Newest first; a station not heard of for a day drops off. */
export const listPendingStations = (options: RequestOptions = {}) =>
  http.get<PendingStationList>('/admin/ocpp/pending', undefined, options);

/** 404 when the code is not waiting (approved or dismissed meanwhile). */
export const approvePendingStation = (code: string, input: PendingApproval) =>
  http.post<ChargerWithCredentials>(`${path(code)}/approve`, input);

/** Off the list; it comes back at its next BootNotification while the edge still holds it. */
export const dismissPendingStation = (code: string) => http.del(path(code));
