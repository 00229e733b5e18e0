/// <reference types="vitest" />
import { createHash } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { defineConfig, type Plugin } from 'vite'
import { precompress } from '../precompress'

const publicDir = fileURLToPath(new URL('./public', import.meta.url))

function publicFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...publicFiles(full))
    else out.push(relative(publicDir, full).split('\\').join('/'))
  }
  return out
}

// Writes sw.js next to index.html with the build's file list, so the service worker precaches the
// whole shell (HTML, hashed scripts/styles, manifest, icons) at install and serves it offline. The
// worker itself is src/sw/sw.js; its cache name changes with every build's file list.
function serviceWorker(): Plugin {
  let source = ''
  return {
    name: 'kilowatt-service-worker',
    apply: 'build',
    async buildStart() {
      const { readFile } = await import('node:fs/promises')
      source = await readFile(fileURLToPath(new URL('./src/sw/sw.js', import.meta.url)), 'utf8')
      this.addWatchFile(fileURLToPath(new URL('./src/sw/sw.js', import.meta.url)))
    },
    generateBundle(_options, bundle) {
      const files = new Set<string>(['./', 'index.html'])
      for (const name of Object.keys(bundle)) if (!name.endsWith('.map')) files.add(name)
      for (const name of publicFiles(publicDir)) files.add(name)
      const list = [...files].sort()
      const version = createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 12)
      const code = source.replace('self.__KW_PRECACHE__', JSON.stringify(list)).replace('self.__KW_VERSION__', JSON.stringify(version))
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: code })
    },
  }
}

// Vant's icon font comes inline (a data: woff2) with a fallback on a third-party CDN
// (//at.alicdn.com/...woff). Browsers use the inline one; the fallback only trips the CSP
// (font-src 'self' data:) and would be a request to a third party from an offline-capable app.
function dropCdnFontFallback(): Plugin {
  return {
    name: 'kilowatt-drop-cdn-font-fallback',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'asset' || !file.fileName.endsWith('.css') || typeof file.source !== 'string') continue
        file.source = file.source.replace(/,\s*url\(["']?(?:https?:)?\/\/at\.alicdn\.com\/[^)]*\)\s*format\(["']?woff["']?\)/g, '')
      }
    },
  }
}

export default defineConfig({
  base: '/app/',
  // Vant per component: the resolver imports each <van-*> a template uses, with its CSS, into the
  // chunk of the page that uses it (instead of the whole library and stylesheet in the entry).
  plugins: [
    vue(),
    Components({ resolvers: [VantResolver()], dts: false }),
    // The locale messages (src/i18n/*.ts) are compiled to ASTs at build time, so the phone compiles
    // nothing before the first paint; no new Function() either, as the CSP (no 'unsafe-eval',
    // deploy/nginx/kilowatt.conf) requires. Not under vitest:
    // the unit tests read the message files as plain objects (i18n.test.ts).
    ...(process.env.VITEST
      ? []
      : [
          VueI18nPlugin({
            include: [
              fileURLToPath(new URL('./src/i18n/en.ts', import.meta.url)),
              fileURLToPath(new URL('./src/i18n/zh-CN.ts', import.meta.url)),
            ],
            runtimeOnly: true,
            compositionOnly: true,
            fullInstall: false,
            strictMessage: false,
          }),
        ]),
    dropCdnFontFallback(),
    serviceWorker(),
    precompress(),
  ],
  define: {
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_JIT_COMPILATION__: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: process.env.KW_API ?? 'http://127.0.0.1:8080', ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
  },
})
