import type { Order } from './types';
import { describe, expect, it } from 'vitest';
import { applyMeter, mergeOrder, shownCostFen, shownEnergyWh } from './live-order';
import { sampleOrder } from './test-fixtures';

const order = sampleOrder;

const meter = (at: string, energy: number) => ({ order_id: 7, energy_wh: energy, cost_fen: energy / 10, power_w: 7000, soc: null, at });

describe('live order folding', () => {
  it('applies newer meter readings and ignores stale or foreign ones', () => {
    const a = applyMeter(order(), meter('2026-06-01T01:00:10Z', 20))!;
    expect(a.live?.energy_wh).toBe(20);
    const b = applyMeter(a, meter('2026-06-01T01:00:20Z', 40))!;
    expect(b.live?.energy_wh).toBe(40);
    expect(applyMeter(b, meter('2026-06-01T01:00:15Z', 30))).toBeNull();
    expect(applyMeter(b, { ...meter('2026-06-01T01:00:30Z', 50), order_id: 8 })).toBeNull();
    expect(applyMeter(order({ state: 'settled' }), meter('2026-06-01T01:00:30Z', 50))).toBeNull();
  });

  it('never moves an order back to an earlier state', () => {
    const settled = order({ state: 'settled', total_fen: 123, settled_at: '2026-06-01T01:10:00Z' });
    expect(mergeOrder(settled, order({ state: 'charging' }))).toBe(settled);
    expect(mergeOrder(order({ state: 'stopping' }), order({ state: 'charging' })).state).toBe('stopping');
    expect(mergeOrder(order({ state: 'charging' }), settled)).toBe(settled);
    expect(mergeOrder(null, settled)).toBe(settled);
  });

  it('keeps a newer live reading than the one an order push carries', () => {
    const shown = applyMeter(order(), meter('2026-06-01T01:00:20Z', 40))!;
    const pushed = order({ live: { energy_wh: 20, cost_fen: 2, power_w: 7000, soc: null, at: '2026-06-01T01:00:10Z' } });
    expect(mergeOrder(shown, pushed).live?.energy_wh).toBe(40);
  });

  it('shows the running reading while active and the bill after', () => {
    const running = applyMeter(order(), meter('2026-06-01T01:00:20Z', 40))!;
    expect(shownEnergyWh(running)).toBe(40);
    expect(shownCostFen(running)).toBe(4);
    const settled = order({ state: 'settled', energy_wh: 41, total_fen: 5 });
    expect(shownEnergyWh(settled)).toBe(41);
    expect(shownCostFen(settled)).toBe(5);
  });
});

// The console's case: a force stop answers "stopping" while the push already brought "settled".
describe('mergeOrder in the console', () => {
  const o = (state: Order['state'], refunded = 0) => ({ id: 7, state, refunded_fen: refunded }) as Order;

  it('keeps a settled order when a stale stopping answer arrives after the push', () => {
    expect(mergeOrder(o('settled'), o('stopping')).state).toBe('settled');
  });
  it('takes a later state and a changed settled order', () => {
    expect(mergeOrder(o('charging'), o('stopping')).state).toBe('stopping');
    expect(mergeOrder(o('settled'), o('settled', 10)).refunded_fen).toBe(10);
    expect(mergeOrder(null, o('starting')).state).toBe('starting');
  });
});
