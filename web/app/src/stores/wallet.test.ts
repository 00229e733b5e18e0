import { setFetch, setToken } from '@kilowatt/api/http'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeServer } from '../test/fakes'
import { useWalletStore } from './wallet'

let server: FakeServer

beforeEach(() => {
  setActivePinia(createPinia())
  setToken('tok')
  server = new FakeServer()
  server.install()
})
afterEach(() => setFetch(null))

describe('wallet store', () => {
  it('pays a sandbox top-up with the sign it was created with', async () => {
    const topup = { id: 5, amount_fen: 5000, state: 'pending', provider: 'sandbox', created_at: '2026-06-01T00:00:00Z' }
    server.on('POST /wallet/topups', () => ({
      status: 201,
      body: { ...topup, client_params: { pay_path: '/api/v1/wallet/topups/5/sandbox-pay', sign: 'abc123' } },
    }))
    server.on('POST /wallet/topups/5/sandbox-pay', () => ({ status: 200, body: { ...topup, state: 'paid', balance_fen: 5000 } }))
    const wallet = useWalletStore()
    expect(await wallet.topUp(5000)).toBe(5000)
    expect(server.calls.map((c) => [c.path, c.body])).toEqual([
      ['/wallet/topups', { amount_fen: 5000 }],
      ['/wallet/topups/5/sandbox-pay', { sign: 'abc123' }],
    ])
    expect(wallet.balanceFen).toBe(5000)
  })
})
