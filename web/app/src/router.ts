// Routes of the driver app (history mode under /app/). Everything but the login page needs a
// session; /c/:code/:n is where a phone camera lands after scanning a charger label, so it keeps its
// target through the login page (?redirect=).
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
// The login page is the first screen of a new phone: it comes with the entry chunk, one request
// fewer before the first paint; every other page loads when first visited.
import LoginPage from './pages/LoginPage.vue'
import { useAuthStore } from './stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    tab?: string // the tab bar item this page belongs to; pages without one hide the tab bar
    title?: string // i18n key of the nav bar title
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/map' },
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
  { path: '/map', name: 'map', component: () => import('./pages/MapPage.vue'), meta: { tab: 'map' } },
  { path: '/scan', name: 'scan', component: () => import('./pages/ScanPage.vue'), meta: { tab: 'scan', title: 'scan.title' } },
  {
    path: '/c/:code/:n',
    name: 'confirm',
    component: () => import('./pages/ConfirmPage.vue'),
    meta: { title: 'confirm.title' },
  },
  {
    path: '/charging/:id',
    name: 'charging',
    component: () => import('./pages/ChargingPage.vue'),
    meta: { title: 'charging.title' },
  },
  { path: '/orders', name: 'orders', component: () => import('./pages/OrdersPage.vue'), meta: { tab: 'orders', title: 'orders.title' } },
  {
    path: '/orders/:id',
    name: 'order',
    component: () => import('./pages/OrderDetailPage.vue'),
    meta: { title: 'orders.detail' },
  },
  {
    path: '/schedules',
    name: 'schedules',
    component: () => import('./pages/SchedulesPage.vue'),
    meta: { tab: 'schedules', title: 'schedules.title' },
  },
  {
    path: '/schedules/new',
    name: 'schedule-new',
    component: () => import('./pages/ScheduleNewPage.vue'),
    meta: { title: 'schedules.new' },
  },
  { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { tab: 'me', title: 'me.title' } },
  { path: '/me/topup', name: 'topup', component: () => import('./pages/TopupPage.vue'), meta: { title: 'topup.title' } },
  { path: '/me/ledger', name: 'ledger', component: () => import('./pages/LedgerPage.vue'), meta: { title: 'ledger.title' } },
  { path: '/me/cards', name: 'cards', component: () => import('./pages/CardsPage.vue'), meta: { title: 'cards.title' } },
  { path: '/:pathMatch(.*)*', redirect: '/map' },
]

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory('/app/'), routes })
  router.beforeEach((to) => {
    const auth = useAuthStore()
    const valid = auth.isValidAt(Date.now())
    if (!to.meta.public && !valid) {
      if (auth.token) auth.expire()
      return { name: 'login', query: to.fullPath !== '/map' ? { redirect: to.fullPath } : {} }
    }
    if (to.name === 'login' && valid) return { path: '/map' }
    return true
  })
  return router
}
