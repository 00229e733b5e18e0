// Small shared pieces of component state.
import { onBeforeUnmount, onMounted, ref } from 'vue'

// navigator.onLine, kept current.
const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => (online.value = true))
  window.addEventListener('offline', () => (online.value = false))
}
export function useOnline() {
  return online
}

// A clock ticking every `ms` (elapsed time on the live screen).
export function useNow(ms = 1000) {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | null = null
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), ms)
  })
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer)
  })
  return now
}
