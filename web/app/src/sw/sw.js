// Service worker of the driver app (scope /app/). The build (vite.config.ts) replaces the two
// placeholders with the list of every file of the shell and a version derived from it.
//  - install: precache the whole shell, so the app opens with no network at all;
//  - activate: drop caches of older builds, take control of open pages;
//  - navigations: network first (a new build shows up), the cached index.html when offline;
//  - precached files: cache first (hashed file names never change), config.js network first;
//  - the API (/api/) and map tiles: never cached here: live data must be live.
const PRECACHE = self.__KW_PRECACHE__
const VERSION = self.__KW_VERSION__
const CACHE = `kw-app-${VERSION}`
const BASE = new URL('./', self.location).pathname // "/app/"

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((f) => new Request(BASE + (f === './' ? '' : f), { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('kw-app-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

async function fromCache(request) {
  const cache = await caches.open(CACHE)
  return cache.match(request, { ignoreSearch: true })
}

async function networkFirst(request, fallbackPath) {
  try {
    const response = await fetch(request)
    if (response.ok && request.method === 'GET' && !fallbackPath) {
      const cache = await caches.open(CACHE)
      cache.put(request, response.clone())
    }
    return response
  } catch (e) {
    const cached = await fromCache(fallbackPath ? new Request(fallbackPath) : request)
    if (cached) return cached
    throw e
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return // map tiles and other hosts: the network only
  if (!url.pathname.startsWith(BASE)) return // /api/ and anything outside the app
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, BASE + 'index.html'))
    return
  }
  if (url.pathname === BASE + 'config.js') {
    event.respondWith(networkFirst(request))
    return
  }
  event.respondWith(fromCache(request).then((cached) => cached || fetch(request)))
})
