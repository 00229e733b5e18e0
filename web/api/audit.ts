// The audit log of staff actions (admins).
import { http } from './http';
import type { AuditEntry, AuditQuery, Page } from './types';

export const listAudit = (query: AuditQuery = {}) => http.get<Page<AuditEntry>>('/admin/audit', { ...query });
