// Sign-in, registration (SMS-verified), sign-out and the caller's profile.
import { http } from './http';
import type { DriverSession, Me, SmsCodeSent, SmsPurpose, StaffSession } from './types';

export const staffLogin = (login: string, password: string) => http.post<StaffSession>('/auth/staff/login', { login, password });

export const driverLogin = (phone: string, password: string) => http.post<DriverSession>('/auth/driver/login', { phone, password });

/**
 * Asks the server to text a verification code to the phone (202, the same answer whether the
 * phone has an account or not). 429 too_many_requests with retryAfterS when asked too often.
 */
export const sendSmsCode = (phone: string, purpose: SmsPurpose = 'register') =>
  http.post<SmsCodeSent>('/auth/sms-code', { phone, purpose });

/**
 * Creates a driver account with the code texted by sendSmsCode (201 with a session). A wrong,
 * expired or missing code is 400 invalid_sms_code; a phone that already has an account is 409.
 */
export const register = (phone: string, code: string, password: string, nickname?: string) =>
  http.post<DriverSession>('/auth/driver/register', nickname ? { phone, code, password, nickname } : { phone, code, password });

/** Revokes the current token (204). */
export const logout = () => http.post<void>('/auth/logout');

export const me = <T extends Me = Me>() => http.get<T>('/me');
