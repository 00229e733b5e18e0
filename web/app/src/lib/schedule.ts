import { yuanTextToFen } from '@kilowatt/api/money'

// Scheduled charging input: start time window and optional stop limits, mirroring the server's
// domain/schedule.hpp (start_at in [now - 60 s, now + 7 days]; each limit > 0 and below its maximum).
// The form speaks kWh / yuan / minutes; the API speaks Wh / fen / minutes.

export const GRACE_MS = 60_000
export const HORIZON_MS = 7 * 24 * 3600 * 1000
export const MAX_ENERGY_KWH = 1000 // 1,000,000 Wh
export const MAX_AMOUNT_YUAN = 100_000 // 10,000,000 fen
export const MAX_MINUTES = 1440

export type LimitKind = 'none' | 'energy' | 'amount' | 'duration'

export interface Limits {
  energy_wh?: number
  amount_fen?: number
  minutes?: number
}

export interface LimitInput {
  kind: LimitKind
  value: string // as typed: kWh, yuan or minutes
}

// i18n key of the problem, or ''.
export function startAtError(startAt: Date | null, now: Date): string {
  if (!startAt || Number.isNaN(startAt.getTime())) return 'validation.startRequired'
  const t = startAt.getTime()
  if (t < now.getTime() - GRACE_MS) return 'validation.startPast'
  if (t > now.getTime() + HORIZON_MS) return 'validation.startTooFar'
  return ''
}

export function limitError(input: LimitInput): string {
  if (input.kind === 'none') return ''
  const text = input.value.trim()
  if (!text) return 'validation.limitRequired'
  if (!/^\d+(\.\d+)?$/.test(text)) return 'validation.limitNumber'
  const v = Number(text)
  if (!(v > 0)) return 'validation.limitPositive'
  if (input.kind === 'energy') {
    if (v > MAX_ENERGY_KWH) return 'validation.limitEnergyMax'
    if (Math.round(v * 1000) < 1) return 'validation.limitPositive'
  }
  if (input.kind === 'amount') {
    if (v > MAX_AMOUNT_YUAN) return 'validation.limitAmountMax'
    if (!/^\d+(\.\d{1,2})?$/.test(text)) return 'validation.limitAmountCents'
  }
  if (input.kind === 'duration') {
    if (!Number.isInteger(v)) return 'validation.limitMinutesWhole'
    if (v > MAX_MINUTES) return 'validation.limitMinutesMax'
  }
  return ''
}

// The API's limits object for a valid input (undefined for none).
export function toLimits(input: LimitInput): Limits | undefined {
  if (input.kind === 'none' || limitError(input)) return undefined
  const v = Number(input.value.trim())
  if (input.kind === 'energy') return { energy_wh: Math.round(v * 1000) }
  if (input.kind === 'amount') return { amount_fen: yuanTextToFen(input.value) ?? 0 }
  return { minutes: v }
}

// The value of <input type="datetime-local" step="1"> for a Date, in local time.
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}` + `T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

// Parses "YYYY-MM-DDTHH:mm[:ss]" as local time; null when malformed.
export function fromLocalInput(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text)
  if (!m) return null
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0)
  return Number.isNaN(d.getTime()) ? null : d
}

// The next time the wall clock shows hh:mm (today if still ahead, else tomorrow).
export function nextAt(now: Date, hh: number, mm: number): Date {
  const d = new Date(now)
  d.setHours(hh, mm, 0, 0)
  if (d.getTime() <= now.getTime()) d.setDate(d.getDate() + 1)
  return d
}
