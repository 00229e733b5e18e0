import { setFetch, setToken } from '@kilowatt/api/http'
import { setErrorPresenter } from '@kilowatt/api/present'
import { sampleOrder } from '@kilowatt/api/test-fixtures'
import type { Order } from '@kilowatt/api/types'
import { LiveSocket } from '@kilowatt/api/ws'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLiveSocket } from '../live'
import { FakeServer, FakeSocket, settle } from '../test/fakes'
import { useChargingStore } from './charging'

// A session already running on SH-DC-01 (started now), as the server reports it.
function order(over: Partial<Order> = {}): Order {
  const now = new Date().toISOString()
  return sampleOrder({ charger_code: 'SH-DC-01', tx_id: 'tx', meter_start_wh: 100, created_at: now, started_at: now, ...over })
}

let server: FakeServer
let socket: LiveSocket
let shown: string[]

beforeEach(async () => {
  setActivePinia(createPinia())
  shown = []
  setErrorPresenter({ show: (text) => shown.push(text), locale: () => 'en' })
  setToken('tok')
  server = new FakeServer()
  server.install()
  FakeSocket.all = []
  socket = new LiveSocket({
    url: () => 'ws://test',
    ticket: async () => 'ticket',
    WebSocketImpl: FakeSocket,
    minBackoffMs: 1,
    maxBackoffMs: 1,
    pingMs: 0,
  })
  setLiveSocket(socket)
  socket.connect('tok')
  await settle() // the ticket, then the socket
  FakeSocket.last().open()
})
afterEach(() => {
  socket.disconnect()
  setFetch(null)
  setErrorPresenter(null)
})

const meter = (energy: number, at: string) => ({ order_id: 7, energy_wh: energy, cost_fen: energy, power_w: 60000, soc: 50, at })

describe('charging store', () => {
  it('subscribes to the order channel and shows each newer meter reading once', async () => {
    server.on('GET /orders/7', () => ({ status: 200, body: order() }))
    const store = useChargingStore()
    await store.watch(7)
    expect(FakeSocket.last().sent).toContainEqual({ op: 'subscribe', channel: 'order:7' })
    FakeSocket.last().push('order:7', 'meter', meter(100, '2026-06-01T01:00:02Z'))
    FakeSocket.last().push('order:7', 'meter', meter(100, '2026-06-01T01:00:02Z'))
    FakeSocket.last().push('order:7', 'meter', meter(80, '2026-06-01T01:00:01Z'))
    expect(store.order?.live?.energy_wh).toBe(100)
    FakeSocket.last().push('order:8', 'meter', { ...meter(999, '2026-06-01T01:00:09Z'), order_id: 8 })
    expect(store.order?.live?.energy_wh).toBe(100)
  })

  it('fetches the order again after the socket reconnects, so a stop pushed meanwhile is not lost', async () => {
    let current = order()
    server.on('GET /orders/7', () => ({ status: 200, body: current }))
    const store = useChargingStore()
    await store.watch(7)
    expect(server.count('GET /orders/7')).toBe(1)

    FakeSocket.last().drop()
    expect(store.liveStatus).toBe('closed')
    // While away the session ended and was billed.
    current = order({ state: 'settled', stop_reason: 'ev_full', energy_wh: 1234, total_fen: 250, settled_at: new Date().toISOString() })
    await settle() // backoff elapses, a new socket is created
    FakeSocket.last().open()
    await settle()
    expect(server.count('GET /orders/7')).toBe(2)
    expect(FakeSocket.last().sent).toContainEqual({ op: 'subscribe', channel: 'order:7' })
    expect(store.order?.state).toBe('settled')
    expect(store.order?.total_fen).toBe(250)

    // A late push of the running order does not bring it back.
    FakeSocket.last().push('order:7', 'order', order({ state: 'charging' }))
    expect(store.order?.state).toBe('settled')
  })

  it('fetches a starting order every few seconds, even with the socket up, until it runs', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      let current = order({ state: 'starting', started_at: null })
      server.on('GET /orders/7', () => ({ status: 200, body: current }))
      const store = useChargingStore()
      await store.watch(7)
      expect(store.liveStatus).toBe('open')
      vi.advanceTimersByTime(3000)
      await settle()
      expect(server.count('GET /orders/7')).toBe(2)
      current = order({ state: 'charging' }) // the push of this change was missed
      vi.advanceTimersByTime(3000)
      await settle()
      expect(store.order?.state).toBe('charging')
      const n = server.count('GET /orders/7')
      vi.advanceTimersByTime(3000 * 3)
      await settle()
      expect(server.count('GET /orders/7')).toBe(n) // running and live: only the rare safety fetch
      vi.advanceTimersByTime(20000)
      await settle()
      expect(server.count('GET /orders/7')).toBe(n + 1)
    } finally {
      vi.useRealTimers()
    }
  })

  it('finds the session a lost start answer created instead of starting a second one', async () => {
    const created = order({ state: 'starting' })
    server.on('POST /orders', () => ({ status: 0 })).on('GET /orders/current', () => ({ status: 200, body: { items: [created] } }))
    const store = useChargingStore()
    const got = await store.start({ charger_code: 'SH-DC-01', connector: 1 })
    expect(got.id).toBe(7)
    expect(server.count('POST /orders')).toBe(1)
    expect(shown).toEqual([]) // the lost answer is no failure for the driver
  })

  it('reports a lost start answer when no session was created', async () => {
    server.on('POST /orders', () => ({ status: 0 })).on('GET /orders/current', () => ({ status: 200, body: { items: [] } }))
    const store = useChargingStore()
    await expect(store.start({ charger_code: 'SH-DC-01', connector: 1 })).rejects.toMatchObject({ code: 'network' })
    expect(server.count('POST /orders')).toBe(1)
    expect(shown).toEqual(['Network error: the server cannot be reached'])
  })

  it('does not retry a start the server refused', async () => {
    server
      .on('POST /orders', () => ({ status: 402, body: { code: 'insufficient_balance', message: 'low' } }))
      .on('GET /orders/current', () => ({ status: 200, body: { items: [] } }))
    const store = useChargingStore()
    await expect(store.start({ charger_code: 'SH-DC-01', connector: 1 })).rejects.toMatchObject({ code: 'insufficient_balance' })
    expect(server.count('GET /orders/current')).toBe(0)
    expect(shown).toEqual(['Balance too low: please top up first'])
  })

  it('keeps the stop answer and stops following on unwatch', async () => {
    server
      .on('GET /orders/7', () => ({ status: 200, body: order() }))
      .on('POST /orders/7/stop', () => ({ status: 200, body: order({ state: 'stopping', stop_reason: 'driver' }) }))
    const store = useChargingStore()
    await store.watch(7)
    await store.stop()
    expect(store.order?.state).toBe('stopping')
    store.unwatch()
    expect(store.order).toBeNull()
    expect(FakeSocket.last().sent).toContainEqual({ op: 'unsubscribe', channel: 'order:7' })
  })
})
