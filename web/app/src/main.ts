// Entry of the driver app: i18n, Pinia, router, Vant, the session restored from storage, the live
// socket while logged in, the 401/expiry reaction and the service worker.
import { onUnauthorized } from '@kilowatt/api/http'
import { createPinia } from 'pinia'
import { setToastDefaultOptions, showToast, type ToastOptions } from 'vant'
// <van-*> components come per page with their CSS (unplugin-vue-components, vite.config.ts); toasts
// and dialogs are called from scripts, so their styles are imported here.
import 'vant/es/dialog/style'
import 'vant/es/toast/style'
import { createApp, watch } from 'vue'
import App from './App.vue'
import { i18n, loadLocale, savedLocale } from './i18n'
import { applyVantLocale } from './i18n/vant'
import { installErrorPresenter } from './lib/errors'
import { liveSocket } from './live'
import { createAppRouter } from './router'
import { useAuthStore } from './stores/auth'
import './styles.css'

installErrorPresenter() // failed requests are shown once, by the client, in the driver's language
// Vant shows a toast as a popup with role="dialog" and no name; a toast is a status message (extra
// options reach the toast's element as attributes).
setToastDefaultOptions({ role: 'status' } as ToastOptions)

const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(i18n)

applyVantLocale(i18n.global.locale.value)
watch(i18n.global.locale, (l) => applyVantLocale(l))
document.documentElement.lang = i18n.global.locale.value

const auth = useAuthStore()
auth.restore()
const router = createAppRouter()
app.use(router)

// The session ended without the driver asking (token expired, revoked): back to the login page.
auth.setOnExpired(() => {
  showToast(i18n.global.t('auth.expired'))
  const here = router.currentRoute.value
  if (!here.meta.public) void router.replace({ name: 'login', query: { redirect: here.fullPath } })
})
onUnauthorized(() => auth.expire())

// One WebSocket while logged in.
watch(
  () => auth.token,
  (token) => {
    if (token) liveSocket().connect(token)
    else liveSocket().disconnect()
  },
  { immediate: true },
)

// The saved language's messages first (a no-op for the default zh-CN), then the first paint.
void loadLocale(savedLocale()).finally(() => app.mount('#app'))

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch((e) => console.warn('service worker', e))
  })
}
