// The charging session on screen: starts it, follows it live over the WebSocket (order:<id>), stops
// it and keeps the final bill. Survives a reload (the route holds the id, GET /orders/{id} reloads
// it) and a dropped socket: after every reconnect, every few seconds while the socket is down or the
// order waits on the charger, and now and then anyway, the order is fetched again; every update is
// folded by mergeOrder/applyMeter so nothing is counted twice or lost. A start that fails on the
// network is looked up in /orders/current before the driver may try again, so a lost answer never
// leads to a second session. The polls are quiet (the page shows a failed load itself); a failed
// start or stop is shown by the client. Main thread only.
import { isApiError } from '@kilowatt/api/http'
import { expecting, presentNow, quietly } from '@kilowatt/api/present'
import * as ordersApi from '@kilowatt/api/orders'
import type { LiveStatus } from '@kilowatt/api/ws'
import type { LiveMessage, Order, OrderMeterEvent, StartOrderInput } from '@kilowatt/api/types'
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { applyMeter, isActive, mergeOrder } from '@kilowatt/api/live-order'
import { liveSocket } from '../live'

export const POLL_MS = 5000 // socket down
export const TRANSITION_POLL_MS = 3000 // starting / stopping
export const SAFETY_POLL_MS = 20000 // socket up, charging

export const useChargingStore = defineStore('charging', () => {
  const order = ref<Order | null>(null)
  const liveStatus = ref<LiveStatus>('idle')
  const loadError = ref<unknown>(null)
  let watchingId: number | null = null
  let stopWatching: (() => void)[] = []
  let pollTimer: ReturnType<typeof setInterval> | null = null
  let pollEvery: number | null = null

  function accept(next: Order): void {
    if (watchingId !== null && next.id !== watchingId) return
    order.value = mergeOrder(order.value, next)
  }

  function onMessage(m: LiveMessage): void {
    if (m.event === 'order') {
      accept(m.data as unknown as Order)
      updatePolling()
    } else if (m.event === 'meter') {
      const next = applyMeter(order.value, m.data as unknown as OrderMeterEvent)
      if (next) order.value = next
    }
  }

  async function reload(): Promise<Order | null> {
    const id = watchingId
    if (id === null) return null
    try {
      const fresh = await quietly(() => ordersApi.getOrder(id))
      if (watchingId === id) {
        accept(fresh)
        loadError.value = null
      }
      return fresh
    } catch (e) {
      if (watchingId === id) loadError.value = e
      return null
    }
  }

  // How often to fetch the order besides the pushes: often while the socket is down or the order
  // waits on the charger (starting/stopping), rarely otherwise (a missed push is never final).
  function pollInterval(): number | null {
    const o = order.value
    if (watchingId === null || (o && !isActive(o.state))) return null
    if (liveStatus.value !== 'open') return POLL_MS
    if (!o || o.state === 'starting' || o.state === 'stopping') return TRANSITION_POLL_MS
    return SAFETY_POLL_MS
  }

  function updatePolling(): void {
    const wanted = pollInterval()
    if (wanted === pollEvery) return
    if (pollTimer) clearInterval(pollTimer)
    pollTimer = wanted === null ? null : setInterval(() => void reload().then(updatePolling), wanted)
    pollEvery = wanted
  }

  // Follows order `id`: subscribes first, then loads, so no update falls between the two.
  async function watch(id: number): Promise<Order | null> {
    if (watchingId !== id) {
      unwatch()
      watchingId = id
      const socket = liveSocket()
      // Every confirmation after the first is a resubscription after a reconnect: anything pushed
      // while we were away, or before the server registered the channel again, is only in the
      // database, so fetch again. (The first load is the one below; the polls cover its instant.)
      let confirmations = 0
      stopWatching.push(
        socket.subscribe(`order:${id}`, onMessage, () => {
          if (confirmations++ > 0) void reload()
        }),
      )
      stopWatching.push(
        socket.onStatus((s) => {
          liveStatus.value = s
          updatePolling()
        }),
      )
    }
    const o = await reload()
    updatePolling()
    return o
  }

  function unwatch(): void {
    for (const f of stopWatching) f()
    stopWatching = []
    watchingId = null
    order.value = null
    loadError.value = null
    if (pollTimer) clearInterval(pollTimer)
    pollTimer = null
    pollEvery = null
  }

  async function stop(): Promise<Order> {
    if (!order.value) throw new Error('no order')
    const stopped = await ordersApi.stopOrder(order.value.id)
    accept(stopped)
    updatePolling()
    return stopped
  }

  // Starts a session. If the answer is lost (network, timeout), the order may still have been
  // created: /orders/current tells, and that order is returned instead of trying again.
  async function start(input: StartOrderInput): Promise<Order> {
    const since = Date.now() - 60_000
    try {
      // A lost answer is shown only once /orders/current says the start did not happen.
      return await expecting(['network', 'timeout'], () => ordersApi.startOrder(input))
    } catch (e) {
      if (!isApiError(e) || (e.code !== 'network' && e.code !== 'timeout')) throw e
      const found = await findStarted(input, since)
      if (found) return found
      presentNow(e)
      throw e
    }
  }

  async function findStarted(input: StartOrderInput, since: number): Promise<Order | null> {
    try {
      const { items } = await quietly(() => ordersApi.currentOrders())
      return (
        items.find((o) => o.charger_code === input.charger_code && o.connector === input.connector && Date.parse(o.created_at) >= since) ??
        null
      )
    } catch {
      return null
    }
  }

  // The driver's running session, if any (for the "you are charging" banner; quiet: it is asked
  // on every tab change and a failure just hides the banner).
  async function current(): Promise<Order | null> {
    const { items } = await quietly(() => ordersApi.currentOrders())
    return items[0] ?? null
  }

  return { order, liveStatus, loadError, watch, unwatch, reload, stop, start, current }
})
