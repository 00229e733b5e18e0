// Entry of the driver app: i18n, Pinia, router, Vant, the session restored from storage, the live
// socket while logged in, the 401/expiry reaction and the service worker.
import { onUnauthorized } from '@kilowatt/api/http'
import { createPinia } from 'pinia'
import {
  ActionSheet,
  Badge,
  Button,
  Cell,
  CellGroup,
  Dialog,
  Divider,
  Empty,
  Field,
  Form,
  Icon,
  List,
  Loading,
  NavBar,
  NoticeBar,
  Popup,
  PullRefresh,
  Radio,
  RadioGroup,
  Search,
  Skeleton,
  Tab,
  Tabbar,
  TabbarItem,
  Tabs,
  Tag,
  showToast,
} from 'vant'
import 'vant/lib/index.css'
import { createApp, watch } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { applyVantLocale } from './i18n/vant'
import { installErrorPresenter } from './lib/errors'
import { liveSocket } from './live'
import { createAppRouter } from './router'
import { useAuthStore } from './stores/auth'
import './styles.css'

installErrorPresenter() // failed requests are shown once, by the client, in the driver's language
const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(i18n)
for (const c of [
  ActionSheet, Badge, Button, Cell, CellGroup, Dialog, Divider, Empty, Field, Form, Icon, List, Loading, NavBar,
  NoticeBar, Popup, PullRefresh, Radio, RadioGroup, Search, Skeleton, Tab, Tabbar, TabbarItem, Tabs, Tag,
])
  app.use(c)

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

app.mount('#app')

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch((e) => console.warn('service worker', e))
  })
}
