import { describe, expect, it } from 'vitest'
import { fromLocalInput, limitError, nextAt, startAtError, toLimits, toLocalInput } from './schedule'

const now = new Date(2026, 5, 1, 12, 0, 0)

describe('start time', () => {
  it('accepts now, up to 60 s back, and up to 7 days ahead', () => {
    expect(startAtError(now, now)).toBe('')
    expect(startAtError(new Date(now.getTime() - 59_000), now)).toBe('')
    expect(startAtError(new Date(now.getTime() + 7 * 24 * 3600 * 1000), now)).toBe('')
  })

  it('refuses a missing, past or too distant time', () => {
    expect(startAtError(null, now)).toBe('validation.startRequired')
    expect(startAtError(new Date(NaN), now)).toBe('validation.startRequired')
    expect(startAtError(new Date(now.getTime() - 61_000), now)).toBe('validation.startPast')
    expect(startAtError(new Date(now.getTime() + 7 * 24 * 3600 * 1000 + 1), now)).toBe('validation.startTooFar')
  })

  it('round-trips the datetime-local value in local time, seconds included', () => {
    const d = new Date(2026, 0, 2, 3, 4, 5)
    expect(toLocalInput(d)).toBe('2026-01-02T03:04:05')
    expect(fromLocalInput('2026-01-02T03:04:05')?.getTime()).toBe(d.getTime())
    expect(fromLocalInput('2026-01-02T03:04')?.getTime()).toBe(new Date(2026, 0, 2, 3, 4).getTime())
    expect(fromLocalInput('tomorrow')).toBeNull()
  })

  it('finds the next occurrence of a wall-clock time', () => {
    expect(nextAt(now, 23, 0).getTime()).toBe(new Date(2026, 5, 1, 23, 0).getTime())
    expect(nextAt(now, 7, 0).getTime()).toBe(new Date(2026, 5, 2, 7, 0).getTime())
    expect(nextAt(now, 12, 0).getTime()).toBe(new Date(2026, 5, 2, 12, 0).getTime())
  })
})

describe('stop limits', () => {
  it('turns kWh, yuan and minutes into the API units', () => {
    expect(toLimits({ kind: 'none', value: '' })).toBeUndefined()
    expect(toLimits({ kind: 'energy', value: '20' })).toEqual({ energy_wh: 20000 })
    expect(toLimits({ kind: 'energy', value: '1.5' })).toEqual({ energy_wh: 1500 })
    expect(toLimits({ kind: 'amount', value: '0.29' })).toEqual({ amount_fen: 29 })
    expect(toLimits({ kind: 'amount', value: '30' })).toEqual({ amount_fen: 3000 })
    expect(toLimits({ kind: 'duration', value: '90' })).toEqual({ minutes: 90 })
  })

  it('names what is wrong with a limit', () => {
    expect(limitError({ kind: 'energy', value: '' })).toBe('validation.limitRequired')
    expect(limitError({ kind: 'energy', value: 'abc' })).toBe('validation.limitNumber')
    expect(limitError({ kind: 'energy', value: '-1' })).toBe('validation.limitNumber')
    expect(limitError({ kind: 'energy', value: '0' })).toBe('validation.limitPositive')
    expect(limitError({ kind: 'energy', value: '1001' })).toBe('validation.limitEnergyMax')
    expect(limitError({ kind: 'amount', value: '1.234' })).toBe('validation.limitAmountCents')
    expect(limitError({ kind: 'amount', value: '100001' })).toBe('validation.limitAmountMax')
    expect(limitError({ kind: 'duration', value: '1.5' })).toBe('validation.limitMinutesWhole')
    expect(limitError({ kind: 'duration', value: '1441' })).toBe('validation.limitMinutesMax')
    expect(toLimits({ kind: 'duration', value: '1441' })).toBeUndefined()
  })
})
