// vitest runs in Node: give the stores a localStorage (in memory, emptied before every test).
import { beforeEach } from 'vitest'

class MemoryStorage {
  private data = new Map<string, string>()
  get length() {
    return this.data.size
  }
  clear() {
    this.data.clear()
  }
  getItem(k: string) {
    return this.data.has(k) ? (this.data.get(k) as string) : null
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null
  }
  removeItem(k: string) {
    this.data.delete(k)
  }
  setItem(k: string, v: string) {
    this.data.set(k, String(v))
  }
}

;(globalThis as unknown as { localStorage: MemoryStorage }).localStorage = new MemoryStorage()

beforeEach(() => {
  globalThis.localStorage.clear()
})
