#!/usr/bin/env bash
# Builds everything and runs every test (unit + integration) with ctest. Integration tests start
# their own Mosquitto, Redis and MariaDB on free loopback ports, so nothing needs to be running.
# Exit code: ctest's.
#
# Environment: BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo),
#   CTEST_PARALLEL (default 2), CTEST_ARGS (extra ctest arguments, e.g. "-L unit" or "-R Orders").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}

# The tests start mosquitto, redis-server and mariadbd, which Debian puts in /usr/sbin.
export PATH="$PATH:/usr/sbin:/sbin"
for prog in mosquitto mosquitto_ctrl redis-server mariadbd mariadb-install-db mariadb; do
    command -v "$prog" >/dev/null || { echo "test.sh: $prog not found: run scripts/deps.sh" >&2; exit 1; }
done
# Variables named KW_* configure the server; one left in the environment would reach the servers the
# tests start and change what they test.
for name in $(compgen -e); do
    if [[ "$name" == KW_* ]]; then unset "$name"; fi
done

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
fi
cmake --build "$BUILD_DIR"

read -r -a extra <<<"${CTEST_ARGS:-}"
set +e
ctest --test-dir "$BUILD_DIR" -j"${CTEST_PARALLEL:-2}" --output-on-failure --timeout 600 "${extra[@]}"
rc=$?
# The web apps: unit tests (vitest) and browser journeys against the real stack.
bash scripts/web.sh test || rc=$((rc == 0 ? 1 : rc))
set -e
exit "$rc"
