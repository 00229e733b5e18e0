// Orders: drivers start/stop/read their own sessions; staff list, force stop and refund any.
import { fetchAllPages, http } from './http';
import type { AdminOrderQuery, Order, OrderQuery, Page, StartOrderInput } from './types';

// ---- drivers
export const startOrder = (input: StartOrderInput) => http.post<Order>('/orders', input);
export const listOrders = (query: OrderQuery = {}) => http.get<Page<Order>>('/orders', { ...query });
export const currentOrders = () => http.get<{ items: Order[] }>('/orders/current');
export const getOrder = (id: number) => http.get<Order>(`/orders/${id}`);
export const stopOrder = (id: number) => http.post<Order>(`/orders/${id}/stop`);

// ---- staff
export const adminListOrders = (query: AdminOrderQuery = {}) => http.get<Page<Order>>('/admin/orders', { ...query });

/** Every order of the filter (all pages), e.g. for a CSV export. */
export const adminAllOrders = (query: Omit<AdminOrderQuery, 'page' | 'page_size'> = {}, maxItems?: number) =>
  fetchAllPages((page, page_size) => adminListOrders({ ...query, page, page_size }), maxItems);

export const adminGetOrder = (id: number) => http.get<Order>(`/admin/orders/${id}`);
export const forceStopOrder = (id: number) => http.post<Order>(`/admin/orders/${id}/force-stop`);

/** amount_fen > 0 and at most what was paid and not yet refunded. */
export const refundOrder = (id: number, amountFen: number, reason: string) =>
  http.post<Order>(`/admin/orders/${id}/refunds`, { amount_fen: amountFen, reason });
