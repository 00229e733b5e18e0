import { describe, expect, it } from 'vitest'
import en from './en'
import zhCN from './zh-CN'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

function placeholders(o: object, key: string): string[] {
  const v = key.split('.').reduce<unknown>((acc, k) => (acc as Record<string, unknown>)[k], o) as string
  return [...v.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}

describe('messages', () => {
  it('have the same keys in both languages', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })

  it('use the same placeholders in both languages', () => {
    for (const k of keys(en)) expect(placeholders(en, k), k).toEqual(placeholders(zhCN, k))
  })

  it('translate every stop reason the server knows', () => {
    const reasons = [
      'driver',
      'admin',
      'charger_local',
      'ev_full',
      'fault',
      'balance_exhausted',
      'limit_energy',
      'limit_amount',
      'limit_time',
      'charger_rebooted',
      'charger_offline',
      'start_timeout',
      'start_rejected',
      'stop_timeout',
      'power_loss',
      'other',
    ]
    for (const r of reasons) {
      expect(zhCN.stopReason, r).toHaveProperty(r)
      expect(en.stopReason, r).toHaveProperty(r)
    }
  })
})
