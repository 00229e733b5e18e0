// Staff, drivers, sessions and SMS codes (auth.ts, employees.ts, drivers.ts).
// Money is integer fen, energy integer Wh, power W, prices 1/10000 yuan per kWh, times ISO-8601 UTC.

export type StaffRole = 'admin' | 'operator' | 'maintainer';
export type Role = StaffRole | 'driver';

export type Permission =
  | 'network_read'
  | 'network_write'
  | 'charger_control'
  | 'drivers_read'
  | 'drivers_write'
  | 'balance_adjust'
  | 'orders_read'
  | 'orders_force_stop'
  | 'orders_refund'
  | 'employees_manage'
  | 'audit_read'
  | 'dashboard_read';

export interface Employee {
  id: number;
  login: string;
  name: string;
  role: StaffRole;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

/** GET /me for staff. */
export interface StaffMe extends Employee {
  kind: 'staff';
  permissions: Permission[];
}

export type DriverStatus = 'active' | 'disabled';

export interface Driver {
  id: number;
  /** masked (138****8000) for drivers themselves, full for staff */
  phone: string;
  nickname: string;
  status: DriverStatus;
  balance_fen: number;
  created_at: string;
  /** staff view only */
  updated_at?: string;
}

/** GET /admin/drivers/{id} */
export interface DriverDetail extends Driver {
  order_count: number;
  active_order_count: number;
  ledger_count: number;
}

/** GET /me for drivers. */
export interface DriverMe extends Driver {
  kind: 'driver';
}

export type Me = StaffMe | DriverMe;

export interface Token {
  token: string;
  expires_at: string;
}

export interface StaffSession extends Token {
  employee: Employee;
}

export interface DriverSession extends Token {
  driver: Driver;
}

export type SmsPurpose = 'register';

/**
 * Answer of POST /auth/sms-code (202): the same for a taken and a free phone, so it tells nothing
 * about who has an account. The code is valid expires_in_s; a new one may be asked after
 * resend_after_s.
 */
export interface SmsCodeSent {
  sent: boolean;
  expires_in_s: number;
  resend_after_s: number;
}

export interface EmployeeInput {
  login: string;
  password: string;
  name: string;
  role: StaffRole;
}

export interface EmployeeUpdate {
  name?: string;
  role?: StaffRole;
  enabled?: boolean;
}
