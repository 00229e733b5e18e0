#!/usr/bin/env bash
# Installs everything Kilowatt needs to build, test and run on Debian 12 (bookworm), as root.
# Idempotent and fast when there is nothing to do: apt is not touched at all when every package
# is already installed. Services (mosquitto, redis, mariadb) are installed but never started or
# enabled here: `make run` and the tests start their own on loopback ports.
set -euo pipefail

# Build toolchain and libraries.
BUILD_PACKAGES=(
    build-essential cmake ninja-build pkg-config ccache
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libmosquitto-dev libhiredis-dev
    libsoci-dev libsoci-sqlite3-4.0 libsoci-mysql4.0 libmariadb-dev libsqlite3-dev
    libargon2-dev libssl-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
    libgtest-dev libgmock-dev libbenchmark-dev libhowardhinnant-date-dev
    # OCPP JSON Schema validation (header-only, Boost.JSON adapter); depends on unused Qt/Poco -dev, ~100 MB
    libvalijson-dev
)
# Programs that `make run` and the integration tests start (mosquitto, mosquitto_ctrl,
# redis-server, mariadbd, mariadb-install-db, mariadb) and small tools the scripts use.
RUNTIME_PACKAGES=(
    mosquitto mosquitto-clients redis-server mariadb-server mariadb-client
    tzdata ca-certificates procps iproute2 python3 curl
)
# A test checks the systemd units in deploy/ with systemd-analyze verify (nothing is started).
TEST_PACKAGES=(systemd)
# The benchmarks (make bench): plots, the HTTP baseline and load generator, redis-benchmark; the
# fault suite's WebSocket watchers (python3-websocket: Debian's websocket-client, no hand-written client).
BENCH_PACKAGES=(python3-matplotlib nginx-light wrk redis-tools python3-websocket)
# ---- Web (admin console, driver app, e2e journeys) ------------------------------------------------
# Node.js builds the two Vue apps (Debian 12's nodejs 18 is enough: the web toolchain is pinned to
# versions that support it); Debian's chromium runs the browser journeys through playwright-core;
# a CJK font makes the Chinese pages readable in the screenshots.
WEB_PACKAGES=(nodejs chromium fonts-wqy-microhei)
# Debian's nodejs ships npm separately; a NodeSource nodejs (already bundling npm) conflicts with it.
if ! command -v npm >/dev/null 2>&1; then WEB_PACKAGES+=(npm); fi
# ---------------------------------------------------------------------------------------------------

PACKAGES=("${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${WEB_PACKAGES[@]}" "${BENCH_PACKAGES[@]}"
    "${TEST_PACKAGES[@]}")

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "deps.sh: this script is for Debian 12 (apt/dpkg not found)" >&2
    exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ "$status" == installed ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    echo "deps.sh: all ${#PACKAGES[@]} packages installed"
    exit 0
fi
echo "deps.sh: installing ${#missing[@]} packages: ${missing[*]}"

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
        SUDO=(sudo)
    else
        echo "deps.sh: run as root (or install sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive

# Keep installed services from starting (or failing to start in a container): invoke-rc.d asks
# /usr/sbin/policy-rc.d, and 101 means "action not allowed". Only our own file is removed again.
POLICY=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
    if ((created_policy)); then "${SUDO[@]}" rm -f "$POLICY"; fi
}
trap cleanup EXIT
if [[ ! -e "$POLICY" ]]; then
    printf '#!/bin/sh\n# Written by kilowatt scripts/deps.sh while installing; removed afterwards.\nexit 101\n' |
        "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    created_policy=1
fi

# apt-get update only when the package lists cannot serve what is missing: empty lists (a fresh
# container) or a package without an install candidate. A failed install (stale lists pointing at
# files the mirror no longer has) is retried once after an update.
needs_update=0
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    needs_update=1
else
    for p in "${missing[@]}"; do
        candidate=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
        if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
            needs_update=1
            break
        fi
    done
fi
apt_install() {
    "${SUDO[@]}" apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "${missing[@]}"
}
if ((needs_update)); then
    "${SUDO[@]}" apt-get update
fi
if ! apt_install; then
    if ((needs_update)); then exit 1; fi
    echo "deps.sh: install failed; updating the package lists and trying again" >&2
    "${SUDO[@]}" apt-get update
    apt_install
fi
echo "deps.sh: done"
