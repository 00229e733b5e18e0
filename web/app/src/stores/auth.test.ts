import { getToken, setFetch, setToken } from '@kilowatt/api/http'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeServer } from '../test/fakes'
import { SESSION_KEY, useAuthStore } from './auth'

const driver = { id: 9, phone: '138****8000', nickname: 'D', status: 'active', balance_fen: 0, created_at: '2026-01-01T00:00:00Z' }
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString()

let server: FakeServer

beforeEach(() => {
  setActivePinia(createPinia())
  setToken(null)
  server = new FakeServer()
  server.install()
})
afterEach(() => setFetch(null))

describe('auth store', () => {
  it('keeps the token and its expiry after login, for the HTTP client and across a restart', async () => {
    const expires = inAnHour()
    server.on('POST /auth/driver/login', () => ({ status: 200, body: { token: 't1', expires_at: expires, driver } }))
    const auth = useAuthStore()
    await auth.login('13800138000', 'Demo1234')
    expect(auth.loggedIn).toBe(true)
    expect(getToken()).toBe('t1')
    expect(JSON.parse(localStorage.getItem(SESSION_KEY)!)).toMatchObject({ token: 't1', expires_at: expires })

    setActivePinia(createPinia())
    setToken(null)
    const again = useAuthStore()
    expect(again.restore()).toBe(true)
    expect(again.token).toBe('t1')
    expect(getToken()).toBe('t1')
  })

  it('drops a saved session that has expired', () => {
    localStorage.setItem(SESSION_KEY, JSON.stringify({ token: 'old', expires_at: '2020-01-01T00:00:00Z', driver }))
    const auth = useAuthStore()
    expect(auth.restore()).toBe(false)
    expect(auth.loggedIn).toBe(false)
    expect(localStorage.getItem(SESSION_KEY)).toBeNull()
    expect(getToken()).toBeNull()
  })

  it('logs out locally even when the server cannot be reached', async () => {
    localStorage.setItem(SESSION_KEY, JSON.stringify({ token: 't2', expires_at: inAnHour(), driver }))
    server.on('POST /auth/logout', () => ({ status: 0 }))
    const auth = useAuthStore()
    auth.restore()
    await auth.logout()
    expect(server.count('POST /auth/logout')).toBe(1)
    expect(auth.token).toBeNull()
    expect(localStorage.getItem(SESSION_KEY)).toBeNull()
  })

  it('ends the session once, with the expiry callback, when the token expires', async () => {
    vi.useFakeTimers()
    try {
      localStorage.setItem(SESSION_KEY, JSON.stringify({ token: 't3', expires_at: new Date(Date.now() + 5000).toISOString(), driver }))
      const auth = useAuthStore()
      const expired = vi.fn()
      auth.setOnExpired(expired)
      auth.restore()
      vi.advanceTimersByTime(4000)
      expect(auth.loggedIn).toBe(true)
      vi.advanceTimersByTime(2000)
      expect(expired).toHaveBeenCalledTimes(1)
      expect(auth.token).toBeNull()
      auth.expire()
      expect(expired).toHaveBeenCalledTimes(1)
    } finally {
      vi.useRealTimers()
    }
  })

  it('registers with the nickname trimmed, and without one when blank', async () => {
    server.on('POST /auth/driver/register', () => ({ status: 201, body: { token: 't4', expires_at: inAnHour(), driver } }))
    const auth = useAuthStore()
    await auth.register('13900000000', '123456', 'Pass1234', '  小明 ')
    await auth.register('13900000001', ' 654321 ', 'Pass1234', '   ')
    expect(server.calls.map((c) => c.body)).toEqual([
      { phone: '13900000000', code: '123456', password: 'Pass1234', nickname: '小明' },
      { phone: '13900000001', code: '654321', password: 'Pass1234' },
    ])
  })
})
