// Network-wide statistics for the home dashboard.
import { http } from './http';
import type { Dashboard } from './types';

/** tz: IANA zone whose local days the 30-day series uses (server default Asia/Shanghai). */
export const getDashboard = (tz?: string) => http.get<Dashboard>('/admin/dashboard', { tz });
