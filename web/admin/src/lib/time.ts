// Times: the API speaks ISO-8601 UTC; the console shows the browser's local time.

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-10-27T06:05:09Z" -> "2026-10-27 14:05:09" in local time; '-' for null. */
export function formatTime(iso: string | null | undefined, withSeconds = true): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/** Local "HH:MM:SS" of an instant (chart axes). */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Duration between two instants as "1h 05m" / "12m 30s". */
export function formatDuration(fromIso: string | null | undefined, toIso?: string | null, now = Date.now()): string {
  if (!fromIso) return '-';
  const from = new Date(fromIso).getTime();
  const to = toIso ? new Date(toIso).getTime() : now;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return '-';
  const s = Math.floor((to - from) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${pad(m)}m`;
  return `${m}m ${pad(s % 60)}s`;
}

/** A Date (from a date picker) -> ISO-8601 UTC without milliseconds, as the API expects. */
export function toApiTime(d: Date | null | undefined): string | undefined {
  if (!d || Number.isNaN(d.getTime())) return undefined;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The browser's IANA time zone (for the dashboard's local days). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
  } catch {
    return 'Asia/Shanghai';
  }
}
