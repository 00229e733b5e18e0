/// <reference types="vitest" />
import vue from '@vitejs/plugin-vue';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';
import { precompress } from '../precompress';

// Served by the kilowatt server at /admin/ (--server.admin_root=web/admin/dist), so API calls are
// relative (/api/v1/...). `npm run dev` proxies /api to a running server (KW_API, default :8080).
export default defineConfig({
  base: '/admin/',
  // Element Plus per component: the resolver imports each <el-*> a template uses, with its CSS, into
  // the chunk of the page that uses it (instead of the whole library and stylesheet in the entry).
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }), precompress()],
  // vue-i18n compiles messages to an AST, not with new Function(): the console runs under a CSP
  // without 'unsafe-eval' (deploy/nginx/kilowatt.conf).
  define: {
    __INTLIFY_JIT_COMPILATION__: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // ECharts only with the pages that draw a chart (lib/echarts.ts imports its parts from
        // echarts/core); the framework in one long-cached chunk.
        manualChunks: {
          echarts: ['echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers'],
          vue: ['vue', 'vue-router', 'pinia', 'vue-i18n'],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: process.env.KW_API ?? 'http://127.0.0.1:8080', ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
