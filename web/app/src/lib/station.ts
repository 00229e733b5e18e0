// Pure views of the stations API: marker colour from connector counts, connectors grouped by state
// and power for the station sheet, the day's tariff periods with the one in force marked.

export interface ConnectorCounts {
  total: number
  available: number
  charging: number
  faulted: number
  offline: number
}

export type Availability = 'available' | 'busy' | 'unavailable'

// available: at least one free connector; busy: none free but some in use; unavailable: all
// faulted/offline (or no connectors at all).
export function availabilityOf(c: ConnectorCounts | null | undefined): Availability {
  if (!c || c.total <= 0) return 'unavailable'
  if (c.available > 0) return 'available'
  if (c.charging > 0) return 'busy'
  return 'unavailable'
}

export const AVAILABILITY_COLOUR: Record<Availability, string> = {
  available: '#07c160',
  busy: '#ff976a',
  unavailable: '#969799',
}

// The connector status the device reported, folded the way the server's bucket_of does.
export type ConnectorBucket = 'available' | 'charging' | 'faulted' | 'offline'

export function bucketOf(status: string): ConnectorBucket {
  switch (status) {
    case 'available':
      return 'available'
    case 'preparing':
    case 'charging':
    case 'suspended':
    case 'finishing':
      return 'charging'
    case 'faulted':
    case 'unavailable':
      return 'faulted'
    default:
      return 'offline'
  }
}

export interface ConnectorLike {
  number: number
  max_w: number
  status: string
}
export interface ChargerLike {
  code: string
  kind: string
  online: boolean
  connectors: ConnectorLike[]
}

export interface ConnectorRow {
  code: string
  kind: string
  number: number
  max_w: number
  status: string
  bucket: ConnectorBucket
}

export interface ConnectorGroup {
  kind: string // AC | DC
  max_w: number
  counts: Record<ConnectorBucket, number>
  rows: ConnectorRow[]
}

// Groups connectors by kind and power, DC (fastest) first; each group counts its states.
export function groupConnectors(chargers: ChargerLike[]): ConnectorGroup[] {
  const groups = new Map<string, ConnectorGroup>()
  for (const ch of chargers) {
    for (const c of ch.connectors) {
      const key = `${ch.kind}:${c.max_w}`
      let g = groups.get(key)
      if (!g) {
        g = { kind: ch.kind, max_w: c.max_w, counts: { available: 0, charging: 0, faulted: 0, offline: 0 }, rows: [] }
        groups.set(key, g)
      }
      const bucket: ConnectorBucket = ch.online ? bucketOf(c.status) : 'offline'
      g.counts[bucket]++
      g.rows.push({ code: ch.code, kind: ch.kind, number: c.number, max_w: c.max_w, status: c.status, bucket })
    }
  }
  return [...groups.values()].sort((a, b) => (a.kind !== b.kind ? (a.kind === 'DC' ? -1 : 1) : b.max_w - a.max_w))
}

export type PeriodKind = 'sharp' | 'peak' | 'flat' | 'valley'
export interface PriceParts {
  electricity: number
  service: number
}
export interface TariffSpec {
  prices: Partial<Record<PeriodKind, PriceParts>>
  periods: [string, string, PeriodKind][]
}
export interface PeriodRow {
  start: string
  end: string
  kind: PeriodKind
  electricity: number
  service: number
  total: number
  current: boolean
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h * 60 + m
}

// Local "HH:MM" wall-clock minutes in the station's zone.
export function minutesInZone(now: Date, timeZone: string): number {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now)
    const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0)
    const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0)
    return h * 60 + m
  } catch {
    return now.getHours() * 60 + now.getMinutes()
  }
}

// The day's periods with prices, adjacent same-kind periods kept apart (as the operator wrote them).
export function tariffPeriods(tariff: TariffSpec | null | undefined, now: Date, timeZone: string): PeriodRow[] {
  if (!tariff || !Array.isArray(tariff.periods)) return []
  const m = minutesInZone(now, timeZone)
  return tariff.periods.map(([start, end, kind]) => {
    const p = tariff.prices[kind] ?? { electricity: 0, service: 0 }
    return {
      start,
      end,
      kind,
      electricity: p.electricity,
      service: p.service,
      total: p.electricity + p.service,
      current: m >= minutesOf(start) && m < minutesOf(end),
    }
  })
}
