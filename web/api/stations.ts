// Stations: the public list/nearby/detail and the staff create/edit/delete (network_write).
import { http } from './http';
import type { NearbyQuery, Page, PageQuery, Station, StationDetail, StationInput } from './types';

export const listStations = (query: PageQuery & { q?: string } = {}) => http.get<Page<Station>>('/stations', { ...query });

export const nearbyStations = (query: NearbyQuery) => http.get<{ items: Station[] }>('/stations/nearby', { ...query });

export const getStation = (id: number) => http.get<StationDetail>(`/stations/${id}`);

export const createStation = (input: StationInput) => http.post<StationDetail>('/admin/stations', input);

export const updateStation = (id: number, input: Partial<StationInput>) => http.put<StationDetail>(`/admin/stations/${id}`, input);

/** 409 conflict while the station still has chargers. */
export const deleteStation = (id: number) => http.del(`/admin/stations/${id}`);
