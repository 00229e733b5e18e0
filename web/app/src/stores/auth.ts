// The driver's session: token + expires_at + profile, kept in localStorage so the driver stays
// logged in across reloads until the token expires (or the server answers 401, or they log out).
// Holds the token for the shared HTTP client and the live socket. Main thread only.
import { quietly } from '@kilowatt/api/present'
import * as authApi from '@kilowatt/api/auth'
import { setToken } from '@kilowatt/api/http'
import type { Driver, DriverMe, DriverSession } from '@kilowatt/api/types'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

export const SESSION_KEY = 'kw.app.session'

interface Saved {
  token: string
  expires_at: string
  driver: Driver | null
}

function readSaved(): Saved | null {
  try {
    const text = globalThis.localStorage?.getItem(SESSION_KEY)
    if (!text) return null
    const v = JSON.parse(text) as Saved
    if (typeof v.token !== 'string' || typeof v.expires_at !== 'string') return null
    return v
  } catch {
    return null
  }
}

function writeSaved(v: Saved | null): void {
  try {
    if (v) globalThis.localStorage?.setItem(SESSION_KEY, JSON.stringify(v))
    else globalThis.localStorage?.removeItem(SESSION_KEY)
  } catch {
    // private mode: the session lasts until the tab closes
  }
}

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(null)
  const expiresAt = ref<string | null>(null)
  const driver = ref<Driver | null>(null)
  let expiryTimer: ReturnType<typeof setTimeout> | null = null
  // Called when the session ends without the driver asking (expiry, 401): set by main.ts.
  let onExpired: (() => void) | null = null

  function isValidAt(now: number): boolean {
    return !!token.value && !!expiresAt.value && Date.parse(expiresAt.value) > now
  }
  const loggedIn = computed(() => isValidAt(Date.now()))

  function apply(session: Saved | null): void {
    token.value = session?.token ?? null
    expiresAt.value = session?.expires_at ?? null
    driver.value = session?.driver ?? null
    setToken(token.value)
    if (expiryTimer) clearTimeout(expiryTimer)
    expiryTimer = null
    if (session) {
      // setTimeout holds at most ~24.8 days; a longer token is checked again on the next start.
      const ms = Date.parse(session.expires_at) - Date.now()
      if (ms > 0 && ms < 2 ** 31 - 1) expiryTimer = setTimeout(() => expire(), ms)
    }
  }

  function persist(): void {
    writeSaved(token.value && expiresAt.value ? { token: token.value, expires_at: expiresAt.value, driver: driver.value } : null)
  }

  // Restores a saved session that has not expired; an expired one is dropped.
  function restore(now = Date.now()): boolean {
    const saved = readSaved()
    if (saved && Date.parse(saved.expires_at) > now) {
      apply(saved)
      return true
    }
    if (saved) writeSaved(null)
    apply(null)
    return false
  }

  function setSession(s: DriverSession): void {
    apply({ token: s.token, expires_at: s.expires_at, driver: s.driver })
    persist()
  }

  async function login(phone: string, password: string): Promise<void> {
    setSession(await authApi.driverLogin(phone, password))
  }

  // SMS-verified: code is the one texted after authApi.sendSmsCode(phone).
  async function register(phone: string, code: string, password: string, nickname?: string): Promise<void> {
    setSession(await authApi.register(phone, code.trim(), password, nickname?.trim() || undefined))
  }

  async function refreshProfile(): Promise<Driver | null> {
    if (!token.value) return null
    const me = await authApi.me<DriverMe>()
    driver.value = me
    persist()
    return me
  }

  // Revokes the token on the server (best effort: offline logout still forgets it here).
  async function logout(): Promise<void> {
    const had = token.value
    if (had) {
      try {
        await quietly(() => authApi.logout())
      } catch {
        // expired already or offline; forgetting it locally is what matters
      }
    }
    apply(null)
    persist()
  }

  // The session ended on its own: token expired or the server refused it.
  function expire(): void {
    if (!token.value) return
    apply(null)
    persist()
    onExpired?.()
  }

  function setOnExpired(handler: (() => void) | null): void {
    onExpired = handler
  }

  return {
    token,
    expiresAt,
    driver,
    loggedIn,
    isValidAt,
    restore,
    login,
    register,
    refreshProfile,
    logout,
    expire,
    setOnExpired,
  }
})
