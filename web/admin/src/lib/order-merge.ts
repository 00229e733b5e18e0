// An order can arrive twice: as the answer of a request (force stop: "stopping") and pushed over the
// WebSocket (settled), in either order. The later state in the order's life wins.
import type { Order, OrderState } from '@kilowatt/api/types';

const RANK: Record<OrderState, number> = { starting: 0, charging: 1, stopping: 2, settled: 3, cancelled: 3 };

/** The order to show when `incoming` arrives while `current` is shown. */
export function newerOrder(current: Order | null | undefined, incoming: Order): Order {
  if (!current || current.id !== incoming.id) return incoming;
  if (RANK[incoming.state] < RANK[current.state]) return current;
  // same state: a refund changes the settled order, take the incoming one
  return incoming;
}
