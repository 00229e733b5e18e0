// API errors in the driver's language: known codes map to messages (with the server's message as
// the detail where it helps), anything else falls back to the server's message. A context lets a
// screen say something more precise for the codes it expects (a 401 at login is a wrong password,
// not an expired session).
import { isApiError } from '@kilowatt/api/http'

export type Translate = (key: string, named?: Record<string, unknown>) => string

export type ErrorContext = 'login' | 'register' | 'start' | 'default'

const KNOWN = new Set([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'insufficient_balance',
  'unavailable',
  'internal',
  'network',
  'timeout',
  'bad_response',
])

export function errorMessage(
  t: Translate,
  e: unknown,
  context: ErrorContext = 'default',
  online = typeof navigator === 'undefined' ? true : navigator.onLine,
): string {
  if (!isApiError(e)) {
    const message = e instanceof Error ? e.message : String(e)
    return t('errors.unknown', { message })
  }
  if ((e.code === 'network' || e.code === 'timeout') && !online) return t('errors.offline')
  // Throttled (429): the wait the server gave in Retry-After, else "later".
  if (e.code === 'too_many_requests' || e.status === 429) {
    return e.retryAfterS ? t('errors.tooManyRequestsWait', { seconds: e.retryAfterS }) : t('errors.too_many_requests')
  }
  if (e.code === 'invalid_sms_code') return t('errors.invalid_sms_code')
  if (context === 'login' && e.code === 'unauthorized') return t('auth.wrongCredentials')
  if (context === 'login' && e.code === 'forbidden') return t('auth.disabled')
  if (context === 'register' && e.code === 'conflict') return t('auth.phoneTaken')
  if (context === 'start' && e.code === 'conflict') {
    if (/already have an active/i.test(e.message)) return t('errors.activeSession')
    if (/connector is/i.test(e.message)) return t('errors.connectorBusy')
  }
  if (context === 'start' && e.code === 'unavailable' && /offline/i.test(e.message)) return t('errors.chargerOffline')
  if (KNOWN.has(e.code)) return t(`errors.${e.code}`, { message: e.message })
  return t('errors.unknown', { message: e.message || e.code })
}
