// Test doubles for the browser edges the stores use: fetch (answers by "METHOD /path") and
// WebSocket (the test opens, pushes and drops it).
import { setFetch } from '@kilowatt/api/http'

export type Route = (body: unknown) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>

export class FakeServer {
  calls: { method: string; path: string; body: unknown; auth: string | null }[] = []
  routes = new Map<string, Route>()

  on(key: string, route: Route): this {
    this.routes.set(key, route)
    return this
  }

  count(key: string): number {
    return this.calls.filter((c) => `${c.method} ${c.path}` === key).length
  }

  install(): void {
    setFetch(async (input, init) => {
      const url = new URL(input, 'http://app.test')
      const path = url.pathname.replace(/^\/api\/v1/, '')
      const method = init?.method ?? 'GET'
      const body = init?.body ? JSON.parse(String(init.body)) : undefined
      const headers = (init?.headers ?? {}) as Record<string, string>
      this.calls.push({ method, path, body, auth: headers.Authorization ?? null })
      const route = this.routes.get(`${method} ${path}`)
      if (!route) return new Response(JSON.stringify({ code: 'not_found', message: 'no route' }), { status: 404 })
      const r = await route(body)
      if (r.status === 0) throw new TypeError('Failed to fetch')
      return new Response(r.body === undefined ? '' : JSON.stringify(r.body), { status: r.status })
    })
  }
}

export class FakeSocket {
  static all: FakeSocket[] = []
  readyState = 0
  sent: unknown[] = []
  onopen: ((ev: unknown) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null

  constructor(public url: string) {
    FakeSocket.all.push(this)
  }
  static last(): FakeSocket {
    return FakeSocket.all[FakeSocket.all.length - 1]
  }
  send(data: string) {
    const message = JSON.parse(data)
    this.sent.push(message)
    // Like the server: a subscription is confirmed once it is registered.
    if (message.op === 'subscribe') {
      queueMicrotask(() => {
        if (this.readyState === 1) this.onmessage?.({ data: JSON.stringify({ op: 'subscribed', channel: message.channel }) })
      })
    }
  }
  close() {
    this.readyState = 3
  }
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  push(channel: string, event: string, data: unknown) {
    this.onmessage?.({ data: JSON.stringify({ channel, event, data }) })
  }
  drop() {
    this.readyState = 3
    this.onclose?.({})
  }
}

// Resolves after pending promise callbacks (and a macrotask) have run.
export const settle = () => new Promise((r) => setTimeout(r, 5))
