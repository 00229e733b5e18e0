// Stations and the nearby search (stations.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.
import type { Charger, ConnectorCounts, LngLat } from './chargers';
import type { PriceNow, TariffSpec } from './tariffs';

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
