import { describe, expect, it } from 'vitest'
import { availabilityOf, bucketOf, groupConnectors, minutesInZone, tariffPeriods, type TariffSpec } from './station'

const counts = (available: number, charging: number, faulted = 0, offline = 0) => ({
  total: available + charging + faulted + offline,
  available,
  charging,
  faulted,
  offline,
})

describe('availability', () => {
  it('colours a station by its free connectors', () => {
    expect(availabilityOf(counts(1, 3))).toBe('available')
    expect(availabilityOf(counts(0, 3, 1))).toBe('busy')
    expect(availabilityOf(counts(0, 0, 2, 2))).toBe('unavailable')
    expect(availabilityOf(counts(0, 0))).toBe('unavailable')
    expect(availabilityOf(null)).toBe('unavailable')
  })

  it('folds device statuses like the server', () => {
    expect(bucketOf('available')).toBe('available')
    expect(bucketOf('preparing')).toBe('charging')
    expect(bucketOf('finishing')).toBe('charging')
    expect(bucketOf('unavailable')).toBe('faulted')
    expect(bucketOf('whatever')).toBe('offline')
  })

  it('groups connectors by kind and power, DC first, offline chargers counted offline', () => {
    const groups = groupConnectors([
      { code: 'AC-1', kind: 'AC', online: true, connectors: [{ number: 1, max_w: 7000, status: 'available' }] },
      { code: 'AC-2', kind: 'AC', online: false, connectors: [{ number: 1, max_w: 7000, status: 'available' }] },
      {
        code: 'DC-1',
        kind: 'DC',
        online: true,
        connectors: [
          { number: 1, max_w: 60000, status: 'charging' },
          { number: 2, max_w: 60000, status: 'available' },
        ],
      },
    ])
    expect(groups.map((g) => `${g.kind}${g.max_w}`)).toEqual(['DC60000', 'AC7000'])
    expect(groups[0].counts).toEqual({ available: 1, charging: 1, faulted: 0, offline: 0 })
    expect(groups[1].counts).toEqual({ available: 1, charging: 0, faulted: 0, offline: 1 })
  })
})

describe('tariff periods', () => {
  const tariff: TariffSpec = {
    prices: {
      valley: { electricity: 3135, service: 4000 },
      flat: { electricity: 6424, service: 6000 },
      peak: { electricity: 10713, service: 8000 },
    },
    periods: [
      ['00:00', '08:00', 'valley'],
      ['08:00', '17:00', 'flat'],
      ['17:00', '24:00', 'peak'],
    ],
  }

  it('lists the day with totals and marks the period in force in the station zone', () => {
    // 2026-06-01 09:30 UTC is 17:30 in Shanghai.
    const rows = tariffPeriods(tariff, new Date(Date.UTC(2026, 5, 1, 9, 30)), 'Asia/Shanghai')
    expect(rows.map((r) => r.total)).toEqual([7135, 12424, 18713])
    expect(rows.map((r) => r.current)).toEqual([false, false, true])
    expect(minutesInZone(new Date(Date.UTC(2026, 5, 1, 16, 5)), 'Asia/Shanghai')).toBe(5)
  })

  it('is empty without a tariff', () => {
    expect(tariffPeriods(null, new Date(), 'Asia/Shanghai')).toEqual([])
  })
})
