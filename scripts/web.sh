#!/usr/bin/env bash
# Builds the web apps (admin console, driver app) into web/*/dist, installing the npm packages from
# web/package-lock.json when they are missing or the lock file changed. `scripts/web.sh test` also
# lints docs/openapi.yaml, runs ESLint and Prettier --check, the vitest suites and the browser
# journeys in e2e/ (playwright-core + Debian chromium, against the real server, broker, Redis and
# simulator from $BUILD_DIR; every API answer they get is checked against docs/openapi.yaml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR=${BUILD_DIR:-build}

stamp=web/node_modules/.kilowatt-lock
if [[ ! -f "$stamp" ]] || ! cmp -s web/package-lock.json "$stamp"; then
    npm ci --prefix web --no-audit --no-fund
    cp web/package-lock.json "$stamp"
fi
npm run build --prefix web

if [[ "${1:-}" == test ]]; then
    # Static checks first, they take seconds: the OpenAPI document (redocly, recommended rules), ESLint
    # and Prettier over web/ and e2e/ (web/eslint.config.js, .prettierrc).
    npm run lint:openapi --prefix web
    npm run lint --prefix web
    npm run format:check --prefix web
    npm test --prefix web
    KW_BUILD_DIR="$(cd "$BUILD_DIR" && pwd)" npm run e2e --prefix web
fi
