// OCPP charge points waiting for the operator's approval (pending.ts; docs/ocpp.md "Charge points
// waiting for approval"). Times ISO-8601 UTC, power W.
import type { ChargerKind, ConnectorInput } from './chargers';

/** A charge point an OCPP edge started with --pending-unknown holds: what its last BootNotification said. */
export interface PendingStation {
  /** the chargeBoxId it connects with; the charger's code once approved */
  code: string;
  protocol: 'ocpp1.6' | string;
  vendor: string;
  model: string;
  /** empty when the station sent none */
  serial: string;
  firmware: string;
  first_seen: string;
  last_seen: string;
  /** BootNotifications answered Pending so far */
  boots: number;
}

export interface PendingStationList {
  items: PendingStation[];
}

/** Approving creates the charger as a create does, with the station's code and protocol. */
export interface PendingApproval {
  station_id: number;
  /** 1..100 characters; default the code */
  name?: string;
  kind: ChargerKind;
  rated_w: number;
  /** a count 1..8 or the list; absent: one connector at rated_w */
  connectors?: number | ConnectorInput[];
}
