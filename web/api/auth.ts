// Sign-in, sign-out and the caller's profile.
import { http } from './http';
import type { DriverSession, Me, StaffSession } from './types';

export const staffLogin = (login: string, password: string) =>
  http.post<StaffSession>('/auth/staff/login', { login, password });

export const driverLogin = (phone: string, password: string) =>
  http.post<DriverSession>('/auth/driver/login', { phone, password });

export const driverRegister = (phone: string, password: string, nickname?: string) =>
  http.post<DriverSession>('/auth/driver/register', nickname ? { phone, password, nickname } : { phone, password });

/** Revokes the current token (204). */
export const logout = () => http.post<void>('/auth/logout');

export const me = <T extends Me = Me>() => http.get<T>('/me');
