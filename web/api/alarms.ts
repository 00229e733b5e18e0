// Charger alarms (faults reported by chargers), newest first.
import { http } from './http';
import type { Alarm, Page, PageQuery } from './types';

export const listAlarms = (query: PageQuery & { charger_id?: number; active?: boolean } = {}) =>
  http.get<Page<Alarm>>('/admin/alarms', { ...query });
