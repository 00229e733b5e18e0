// Tariffs (staff): time-of-use periods and prices in 1/10000 yuan per kWh.
import { http } from './http';
import type { Page, PageQuery, Tariff, TariffInput } from './types';

export const listTariffs = (query: PageQuery = {}) => http.get<Page<Tariff>>('/admin/tariffs', { ...query });
export const getTariff = (id: number) => http.get<Tariff>(`/admin/tariffs/${id}`);
export const createTariff = (input: TariffInput) => http.post<Tariff>('/admin/tariffs', input);
export const updateTariff = (id: number, input: Partial<TariffInput>) => http.put<Tariff>(`/admin/tariffs/${id}`, input);
/** 409 conflict while a station uses it. */
export const deleteTariff = (id: number) => http.del(`/admin/tariffs/${id}`);
