// The state every scrolling list of the app repeats (orders, wallet history, schedules): the rows
// loaded so far, page after page as the list scrolls (Vant's van-list binds loading/finished/
// error), pull-to-refresh, and no row twice when a new row shifts the pages between two loads.
// A reset (pull down, another filter) makes answers of the older loads count for nothing.
// Failures are shown by the shared client; the list just offers "tap to retry" (error).
import type { Page } from '@kilowatt/api/types'
import { ref, type Ref } from 'vue'

export function useInfiniteList<T extends { id: number }>(fetchPage: (page: number, pageSize: number) => Promise<Page<T>>, pageSize = 20) {
  const items = ref([]) as Ref<T[]>
  /** Pages loaded so far. */
  const pages = ref(0)
  const loading = ref(false)
  const finished = ref(false)
  const error = ref(false)
  const refreshing = ref(false)
  let generation = 0

  async function loadMore(): Promise<void> {
    const gen = generation
    loading.value = true
    try {
      const next = pages.value + 1
      const result = await fetchPage(next, pageSize)
      if (gen !== generation) return
      const seen = new Set(items.value.map((x) => x.id))
      items.value.push(...result.items.filter((x) => !seen.has(x.id)))
      pages.value = next
      finished.value = result.items.length < pageSize || items.value.length >= result.total
    } catch {
      if (gen === generation) error.value = true
    } finally {
      if (gen === generation) {
        loading.value = false
        refreshing.value = false
      }
    }
  }

  /** Forgets the rows (a new filter); the next loadMore() starts at page 1. */
  function reset(): void {
    generation++
    items.value = []
    pages.value = 0
    finished.value = false
    error.value = false
    loading.value = false
  }

  /** Pull to refresh: from page 1 again. */
  function refresh(): Promise<void> {
    reset()
    refreshing.value = true
    return loadMore()
  }

  return { items, pages, loading, finished, error, refreshing, loadMore, reset, refresh }
}
