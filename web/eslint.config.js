// ESLint for the shared API client (api/), the admin console (admin/), the driver app (app/) and the
// e2e journeys (../e2e/). Run from the repository root so one config covers both trees:
//   npm run lint --prefix web   (= cd .. && eslint --config web/eslint.config.js web e2e)
// Formatting is Prettier's job (.prettierrc at the root), so eslint-config-prettier comes last and
// turns off every stylistic rule that could disagree with it.
// The lint script sets NODE_PATH=web/node_modules: vue-eslint-parser loads eslint-scope relative to
// the working directory (the repository root, which has no node_modules), and Debian's nodejs would
// find its own /usr/share/nodejs/eslint-scope there (version "main"): every .vue file failed to parse.
const js = require('@eslint/js');
const prettier = require('eslint-config-prettier');
const vue = require('eslint-plugin-vue');
const globals = require('globals');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'e2e/output/**', 'web/*/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['web/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  { files: ['web/**'], languageOptions: { globals: { ...globals.browser } } },
  // Build configs, service worker and tests run in Node or a worker, not the page.
  { files: ['web/*/vite.config.ts', 'web/precompress.ts', 'web/**/*.test.ts'], languageOptions: { globals: { ...globals.node } } },
  { files: ['web/app/src/sw/**'], languageOptions: { globals: { ...globals.serviceworker } } },
  // The journeys are Node ESM; page.evaluate() callbacks run in the browser.
  { files: ['e2e/**/*.mjs'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  // This file itself is CommonJS (web/package.json has no "type": "module").
  {
    files: ['web/eslint.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
