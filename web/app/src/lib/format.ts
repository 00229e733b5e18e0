// Display formatting of the API's units: money in integer fen, energy in Wh, prices in 1/10000 yuan
// per kWh, power in W, times as ISO UTC strings shown in the browser's local time. Money and energy
// formatting is the shared client's (web/api/money.ts).

import { formatFen } from '@kilowatt/api/money'

export { formatFen, formatWh } from '@kilowatt/api/money'

// A signed ledger delta: "+¥50.00" / "-¥3.21"
export function formatDeltaFen(fen: number): string {
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen)
}

// Price in 1/10000 yuan per kWh -> "¥1.2851/kWh" (4 decimals: the tariff's own precision, trailing
// zeros after the second dropped: 6000 -> "¥0.60/kWh").
export function formatPrice(p: number | null | undefined): string {
  if (p == null || !Number.isFinite(p)) return '—'
  const whole = Math.floor(p / 10000)
  let frac = String(p % 10000).padStart(4, '0')
  while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1)
  return `¥${whole}.${frac}/kWh`
}

// 7000 -> "7 kW", 120000 -> "120 kW", 3456 -> "3.5 kW"
export function formatKw(w: number | null | undefined): string {
  if (w == null || !Number.isFinite(w)) return '—'
  const kw = w / 1000
  return `${Number.isInteger(kw) ? kw : kw.toFixed(1)} kW`
}

// 3725 s -> "01:02:05"
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const p = (n: number) => String(n).padStart(2, '0')
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`
}

// Seconds between two ISO instants (or until now when `to` is null).
export function secondsBetween(from: string | null | undefined, to?: string | null, now = Date.now()): number {
  if (!from) return 0
  const a = Date.parse(from)
  const b = to ? Date.parse(to) : now
  if (Number.isNaN(a) || Number.isNaN(b)) return 0
  return Math.max(0, Math.floor((b - a) / 1000))
}

// ISO UTC -> local "2026-06-01 09:05" (24 h, independent of the locale so both languages agree).
export function formatLocalTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  const p = (n: number) => String(n).padStart(2, '0')
  const base = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
  return withSeconds ? `${base}:${p(d.getSeconds())}` : base
}

// Local "HH:MM" of an ISO instant.
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}
