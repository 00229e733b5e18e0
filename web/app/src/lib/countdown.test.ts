import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createCountdown } from './countdown'

describe('countdown', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('counts the seconds down to 0 and stops', () => {
    const c = createCountdown()
    expect(c.remaining.value).toBe(0)
    c.start(60)
    expect(c.remaining.value).toBe(60)
    vi.advanceTimersByTime(1000)
    expect(c.remaining.value).toBe(59)
    vi.advanceTimersByTime(59000)
    expect(c.remaining.value).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('restarts from a longer wait (a 429 Retry-After) and ignores nonsense', () => {
    const c = createCountdown()
    c.start(10)
    vi.advanceTimersByTime(5000)
    c.start(120)
    expect(c.remaining.value).toBe(120)
    expect(vi.getTimerCount()).toBe(1)
    c.start(0)
    expect(c.remaining.value).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
