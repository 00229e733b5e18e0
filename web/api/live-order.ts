// Folding the live updates of one order, for the driver app's live screen and the console's order
// pages alike: "order" pushes (the full order), "meter" pushes ({order_id, energy_wh, cost_fen,
// power_w, soc, at}), answers of requests (a force stop answers "stopping" while the push already
// brought "settled") and re-fetches after a reconnect may arrive in any order and more than once.
// A settled/cancelled order never goes back to running, a state never moves backwards, and a meter
// reading older than the one shown is ignored.
import type { Order, OrderLive, OrderMeterEvent, OrderState } from './types';

const RANK: Record<OrderState, number> = { starting: 0, charging: 1, stopping: 2, settled: 3, cancelled: 3 };

export function isActive(state: OrderState | string | undefined): boolean {
  return state === 'starting' || state === 'charging' || state === 'stopping';
}

export function isTerminal(state: OrderState | string | undefined): boolean {
  return state === 'settled' || state === 'cancelled';
}

function rank(state: string): number {
  return RANK[state as OrderState] ?? -1;
}

// The order to show after `next` arrives while `prev` is shown.
export function mergeOrder(prev: Order | null, next: Order): Order {
  if (!prev || prev.id !== next.id) return next;
  if (rank(next.state) < rank(prev.state)) return prev;
  if (isTerminal(prev.state) && isTerminal(next.state) && prev.settled_at && !next.settled_at) return prev;
  // Keep the newer live reading if the pushed order carries an older one (or none while running).
  if (isActive(next.state) && prev.live && (!next.live || Date.parse(next.live.at) < Date.parse(prev.live.at)))
    return { ...next, live: prev.live };
  return next;
}

// The live values after a meter push (null when it is not this order's or is stale).
export function applyMeter(order: Order | null, event: OrderMeterEvent): Order | null {
  if (!order || event.order_id !== order.id || !isActive(order.state)) return null;
  const prev = order.live;
  if (prev && Date.parse(event.at) < Date.parse(prev.at)) return null;
  const live: OrderLive = {
    energy_wh: event.energy_wh,
    cost_fen: event.cost_fen,
    power_w: event.power_w,
    soc: event.soc,
    at: event.at,
  };
  return { ...order, live };
}

// What the live screen shows for energy/cost: the running reading while active, the bill after.
export function shownEnergyWh(order: Order): number {
  return isActive(order.state) ? (order.live?.energy_wh ?? order.energy_wh) : order.energy_wh;
}

export function shownCostFen(order: Order): number {
  return isActive(order.state) ? (order.live?.cost_fen ?? order.total_fen) : order.total_fen;
}
