// Sample resources for the unit tests of the client and of both apps (not shipped: only *.test.ts import it).
import type { Order } from './types';

// A charging order on connector 1 of SH-AC-01, nothing billed yet; `over` replaces any field.
export function sampleOrder(over: Partial<Order> = {}): Order {
  return {
    id: 7,
    state: 'charging',
    stop_reason: null,
    driver_id: 1,
    station: { id: 1, name: 'S' },
    charger_code: 'SH-AC-01',
    connector: 1,
    tx_id: null,
    schedule_id: null,
    limits: {},
    meter_start_wh: 0,
    energy_wh: 0,
    electricity_fen: 0,
    service_fen: 0,
    total_fen: 0,
    paid_fen: 0,
    refunded_fen: 0,
    created_at: '2026-06-01T01:00:00Z',
    started_at: '2026-06-01T01:00:01Z',
    stopped_at: null,
    settled_at: null,
    tariff: { prices: {}, periods: [] },
    timezone: 'Asia/Shanghai',
    segments: [],
    ...over,
  };
}
