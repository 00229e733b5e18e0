import type { Page } from '@kilowatt/api/types'
import { describe, expect, it } from 'vitest'
import { useInfiniteList } from './infinite-list'

type Row = { id: number }
const rows = (...ids: number[]): Row[] => ids.map((id) => ({ id }))
const page = (items: Row[], total: number): Page<Row> => ({ items, total, page: 1, page_size: 2 })

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('useInfiniteList', () => {
  it('loads page after page, without a row twice, until the total is reached', async () => {
    const asked: number[] = []
    const server: Record<number, Page<Row>> = { 1: page(rows(5, 4), 5), 2: page(rows(4, 3), 5), 3: page(rows(2, 1), 5) }
    const list = useInfiniteList<Row>(async (p, size) => (asked.push(p * 10 + size), server[p]), 2)
    await list.loadMore()
    expect(list.finished.value).toBe(false)
    await list.loadMore() // a new row pushed 4 onto page 2
    await list.loadMore()
    expect(asked).toEqual([12, 22, 32])
    expect(list.items.value.map((r) => r.id)).toEqual([5, 4, 3, 2, 1])
    expect(list.finished.value).toBe(true)
    expect(list.loading.value).toBe(false)
  })

  it('finishes on a short page', async () => {
    const list = useInfiniteList<Row>(async () => page(rows(1), 100), 2)
    await list.loadMore()
    expect(list.finished.value).toBe(true)
  })

  it('offers a retry after a failure and keeps the rows', async () => {
    let fail = false
    const list = useInfiniteList<Row>(async () => (fail ? Promise.reject(new Error('down')) : page(rows(1, 2), 4)), 2)
    await list.loadMore()
    fail = true
    await list.loadMore()
    expect(list.error.value).toBe(true)
    expect(list.items.value).toHaveLength(2)
    expect(list.pages.value).toBe(1)
  })

  it('ignores the answer of a load started before a refresh', async () => {
    const answers = [deferred<Page<Row>>(), deferred<Page<Row>>()]
    let n = 0
    const list = useInfiniteList<Row>(() => answers[n++].promise, 2)
    const stale = list.loadMore()
    const fresh = list.refresh()
    expect(list.refreshing.value).toBe(true)
    answers[1].resolve(page(rows(9), 1))
    await fresh
    answers[0].reject(new Error('late failure'))
    await stale
    expect(list.items.value.map((r) => r.id)).toEqual([9])
    expect(list.error.value).toBe(false)
    expect(list.refreshing.value).toBe(false)
    expect(list.loading.value).toBe(false)
  })
})
