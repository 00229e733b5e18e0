/// <reference types="vitest" />
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// Served by the kilowatt server at /admin/ (--server.admin_root=web/admin/dist), so API calls are
// relative (/api/v1/...). `npm run dev` proxies /api to a running server (KW_API, default :8080).
export default defineConfig({
  base: '/admin/',
  plugins: [vue()],
  // vue-i18n compiles messages to an AST, not with new Function(): the console runs under a CSP
  // without 'unsafe-eval' (deploy/nginx/kilowatt.conf).
  define: {
    __INTLIFY_JIT_COMPILATION__: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks: {
          'element-plus': ['element-plus', '@element-plus/icons-vue'],
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
