import { ApiError } from '@kilowatt/api/http'
import { describe, expect, it } from 'vitest'
import { errorMessage } from './errors'

const t = (key: string, named?: Record<string, unknown>) => (named ? `${key}:${JSON.stringify(named)}` : key)

describe('errorMessage', () => {
  it('maps known codes and keeps the server message as detail', () => {
    expect(errorMessage(t, new ApiError(402, 'insufficient_balance', 'x'))).toBe('errors.insufficient_balance:{"message":"x"}')
    expect(errorMessage(t, new ApiError(404, 'not_found', 'no such charger'))).toBe(
      'errors.not_found:{"message":"no such charger"}',
    )
  })

  it('says something specific where the screen expects a code', () => {
    expect(errorMessage(t, new ApiError(401, 'unauthorized', 'bad'), 'login')).toBe('auth.wrongCredentials')
    expect(errorMessage(t, new ApiError(409, 'conflict', 'phone taken'), 'register')).toBe('auth.phoneTaken')
    expect(errorMessage(t, new ApiError(409, 'conflict', 'the connector is charging'), 'start')).toBe('errors.connectorBusy')
    expect(errorMessage(t, new ApiError(409, 'conflict', 'you already have an active charging session'), 'start')).toBe(
      'errors.activeSession',
    )
    expect(errorMessage(t, new ApiError(503, 'unavailable', 'the charger is offline'), 'start')).toBe('errors.chargerOffline')
  })

  it('says offline when the network is down, and falls back to the message for unknown codes', () => {
    expect(errorMessage(t, new ApiError(0, 'network', 'Failed to fetch'), 'default', false)).toBe('errors.offline')
    expect(errorMessage(t, new ApiError(0, 'network', 'Failed to fetch'), 'default', true)).toBe(
      'errors.network:{"message":"Failed to fetch"}',
    )
    expect(errorMessage(t, new ApiError(418, 'teapot', 'I am a teapot'))).toBe('errors.unknown:{"message":"I am a teapot"}')
  })

  it('says how long to wait when throttled, and names a wrong SMS code', () => {
    expect(errorMessage(t, new ApiError(429, 'too_many_requests', 'slow down', 37), 'login')).toBe(
      'errors.tooManyRequestsWait:{"seconds":37}',
    )
    expect(errorMessage(t, new ApiError(429, 'too_many_requests', '<html>'))).toBe('errors.too_many_requests')
    expect(errorMessage(t, new ApiError(400, 'invalid_sms_code', 'wrong or expired code'), 'register')).toBe(
      'errors.invalid_sms_code',
    )
  })
})
