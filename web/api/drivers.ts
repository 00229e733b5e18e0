// Drivers (staff): search, detail, ledger, disable/enable, balance adjustments.
import { http } from './http';
import type { BalanceChange, Driver, DriverDetail, DriverStatus, LedgerRow, Page, PageQuery } from './types';

export const listDrivers = (query: PageQuery & { q?: string; status?: DriverStatus } = {}) =>
  http.get<Page<Driver>>('/admin/drivers', { ...query });
export const getDriver = (id: number) => http.get<DriverDetail>(`/admin/drivers/${id}`);
export const driverLedger = (id: number, query: PageQuery = {}) => http.get<Page<LedgerRow>>(`/admin/drivers/${id}/ledger`, { ...query });
export const disableDriver = (id: number) => http.post<Driver>(`/admin/drivers/${id}/disable`);
export const enableDriver = (id: number) => http.post<Driver>(`/admin/drivers/${id}/enable`);
/** deltaFen may be negative; reason is required. */
export const adjustBalance = (id: number, deltaFen: number, reason: string) =>
  http.post<BalanceChange>(`/admin/drivers/${id}/balance-adjustments`, { delta_fen: deltaFen, reason });
