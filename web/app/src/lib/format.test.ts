import { describe, expect, it } from 'vitest'
import { formatClock, formatDeltaFen, formatDuration, formatFen, formatKw, formatPrice, formatWh, secondsBetween } from './format'

describe('money and energy', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(formatFen(1234)).toBe('¥12.34')
    expect(formatFen(5)).toBe('¥0.05')
    expect(formatFen(0)).toBe('¥0.00')
    expect(formatFen(-50)).toBe('-¥0.50')
    expect(formatDeltaFen(5000)).toBe('+¥50.00')
    expect(formatDeltaFen(-321)).toBe('-¥3.21')
  })

  it('shows Wh as kWh with two decimals', () => {
    expect(formatWh(12345)).toBe('12.35 kWh')
    expect(formatWh(0)).toBe('0.00 kWh')
    expect(formatWh(999)).toBe('1.00 kWh')
  })

  it('shows prices in yuan per kWh at the tariff precision', () => {
    expect(formatPrice(12851)).toBe('¥1.2851/kWh')
    expect(formatPrice(6000)).toBe('¥0.60/kWh')
    expect(formatPrice(20851)).toBe('¥2.0851/kWh')
    expect(formatPrice(10000)).toBe('¥1.00/kWh')
  })

  it('shows power in kW', () => {
    expect(formatKw(7000)).toBe('7 kW')
    expect(formatKw(60000)).toBe('60 kW')
    expect(formatKw(3456)).toBe('3.5 kW')
  })
})

describe('time', () => {
  it('formats durations as hh:mm:ss', () => {
    expect(formatDuration(0)).toBe('00:00:00')
    expect(formatDuration(3725)).toBe('01:02:05')
    expect(formatDuration(-3)).toBe('00:00:00')
  })

  it('counts seconds between instants, or until now', () => {
    expect(secondsBetween('2026-06-01T01:00:00Z', '2026-06-01T01:01:30.900Z')).toBe(90)
    expect(secondsBetween('2026-06-01T01:00:00Z', null, Date.parse('2026-06-01T01:00:10Z'))).toBe(10)
    expect(secondsBetween(null)).toBe(0)
  })

  it('shows instants in local time', () => {
    const iso = new Date(2026, 5, 1, 9, 5).toISOString()
    expect(formatClock(iso)).toBe('09:05')
  })
})
