// Routes and the permission guard: a page's meta.permission must be in the employee's
// permissions (GET /me), else the 403 page. The side menu is built from the same table.
import type { Permission } from '@kilowatt/api/types';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from '../stores/auth';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title */
    title?: string;
    permission?: Permission;
    public?: boolean;
  }
}

export interface MenuItem {
  path: string;
  title: string;
  icon: string;
  permission: Permission;
}

export interface MenuGroup {
  title: string;
  icon: string;
  children: MenuItem[];
}

export const menu: (MenuItem | MenuGroup)[] = [
  { path: '/', title: 'nav.dashboard', icon: 'Odometer', permission: 'dashboard_read' },
  {
    title: 'nav.network',
    icon: 'Connection',
    children: [
      { path: '/stations', title: 'nav.stations', icon: 'Location', permission: 'network_read' },
      { path: '/chargers', title: 'nav.chargers', icon: 'Lightning', permission: 'network_read' },
      { path: '/tariffs', title: 'nav.tariffs', icon: 'PriceTag', permission: 'network_read' },
    ],
  },
  { path: '/monitor', title: 'nav.monitor', icon: 'DataLine', permission: 'network_read' },
  { path: '/orders', title: 'nav.orders', icon: 'Tickets', permission: 'orders_read' },
  { path: '/drivers', title: 'nav.drivers', icon: 'User', permission: 'drivers_read' },
  { path: '/employees', title: 'nav.employees', icon: 'Avatar', permission: 'employees_manage' },
  { path: '/audit', title: 'nav.audit', icon: 'Document', permission: 'audit_read' },
];

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../views/LoginView.vue'), meta: { public: true, title: 'login.title' } },
  {
    path: '/chargers/:id/labels',
    name: 'charger-labels',
    component: () => import('../views/ChargerLabelsView.vue'),
    meta: { permission: 'network_read', title: 'charger.qrLabels' },
  },
  {
    path: '/',
    component: () => import('../layout/AppLayout.vue'),
    children: [
      {
        path: '',
        name: 'dashboard',
        component: () => import('../views/DashboardView.vue'),
        meta: { permission: 'dashboard_read', title: 'nav.dashboard' },
      },
      {
        path: 'stations',
        name: 'stations',
        component: () => import('../views/StationsView.vue'),
        meta: { permission: 'network_read', title: 'nav.stations' },
      },
      {
        path: 'chargers',
        name: 'chargers',
        component: () => import('../views/ChargersView.vue'),
        meta: { permission: 'network_read', title: 'nav.chargers' },
      },
      {
        path: 'chargers/:id',
        name: 'charger',
        component: () => import('../views/ChargerDetailView.vue'),
        meta: { permission: 'network_read', title: 'nav.chargers' },
      },
      {
        path: 'tariffs',
        name: 'tariffs',
        component: () => import('../views/TariffsView.vue'),
        meta: { permission: 'network_read', title: 'nav.tariffs' },
      },
      {
        path: 'tariffs/new',
        name: 'tariff-new',
        component: () => import('../views/TariffEditView.vue'),
        meta: { permission: 'network_write', title: 'tariff.create' },
      },
      {
        path: 'tariffs/:id',
        name: 'tariff',
        component: () => import('../views/TariffEditView.vue'),
        meta: { permission: 'network_read', title: 'tariff.view' },
      },
      {
        path: 'monitor',
        name: 'monitor',
        component: () => import('../views/MonitorView.vue'),
        meta: { permission: 'network_read', title: 'nav.monitor' },
      },
      {
        path: 'orders',
        name: 'orders',
        component: () => import('../views/OrdersView.vue'),
        meta: { permission: 'orders_read', title: 'nav.orders' },
      },
      {
        path: 'orders/:id',
        name: 'order',
        component: () => import('../views/OrderDetailView.vue'),
        meta: { permission: 'orders_read', title: 'nav.orders' },
      },
      {
        path: 'drivers',
        name: 'drivers',
        component: () => import('../views/DriversView.vue'),
        meta: { permission: 'drivers_read', title: 'nav.drivers' },
      },
      {
        path: 'drivers/:id',
        name: 'driver',
        component: () => import('../views/DriverDetailView.vue'),
        meta: { permission: 'drivers_read', title: 'nav.drivers' },
      },
      {
        path: 'employees',
        name: 'employees',
        component: () => import('../views/EmployeesView.vue'),
        meta: { permission: 'employees_manage', title: 'nav.employees' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('../views/AuditView.vue'),
        meta: { permission: 'audit_read', title: 'nav.audit' },
      },
      { path: '403', name: 'forbidden', component: () => import('../views/ForbiddenView.vue'), meta: { title: 'pages.forbidden' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue'), meta: { title: 'pages.notFound' } },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

let restored = false;

router.beforeEach(async (to) => {
  const auth = useAuthStore();
  if (!restored) {
    restored = true;
    await auth.restore();
  }
  if (to.meta.public) {
    if (to.name === 'login' && auth.signedIn) return { path: '/' };
    return true;
  }
  if (!auth.signedIn) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  if (!auth.can(to.meta.permission)) return { name: 'forbidden' };
  return true;
});
