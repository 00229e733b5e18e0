// Employees (admins): list, create with a role, edit/disable, reset a password.
import { http } from './http';
import type { Employee, EmployeeInput, EmployeeUpdate, Page, PageQuery } from './types';

export const listEmployees = (query: PageQuery & { q?: string } = {}) => http.get<Page<Employee>>('/admin/employees', { ...query });
export const createEmployee = (input: EmployeeInput) => http.post<Employee>('/admin/employees', input);
export const updateEmployee = (id: number, input: EmployeeUpdate) => http.put<Employee>(`/admin/employees/${id}`, input);
export const resetEmployeePassword = (id: number, password: string) =>
  http.post<void>(`/admin/employees/${id}/reset-password`, { password });
