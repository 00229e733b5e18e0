// Scheduled charging (drivers).
import { http } from './http';
import type { Page, PageQuery, Schedule, ScheduleInput } from './types';

export const createSchedule = (input: ScheduleInput) => http.post<Schedule>('/schedules', input);
export const listSchedules = (query: PageQuery = {}) => http.get<Page<Schedule>>('/schedules', { ...query });
export const cancelSchedule = (id: number) => http.post<Schedule>(`/schedules/${id}/cancel`);
