// Small shared pieces of component state.
import { showFailToast } from 'vant'
import { onBeforeUnmount, onMounted, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage, type ErrorContext } from './lib/errors'

// navigator.onLine, kept current.
const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => (online.value = true))
  window.addEventListener('offline', () => (online.value = false))
}
export function useOnline() {
  return online
}

// Shows an API error as a toast in the driver's language.
export function useErrorToast() {
  const { t } = useI18n()
  return (e: unknown, context: ErrorContext = 'default') => {
    const message = errorMessage((k, n) => (n ? t(k, n) : t(k)), e, context)
    showFailToast({ message, wordBreak: 'break-word' })
    return message
  }
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
