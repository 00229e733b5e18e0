#!/usr/bin/env bash
# Runs a complete local Kilowatt: Mosquitto (dynamic security) + Redis + kilowatt with demo data +
# kilowatt-sim driving the demo chargers + kilowatt-ocpp, the OCPP edge real chargers connect to. Everything lives under var/ (gitignored); logs in var/log/.
# Supervised: a component that dies after the start is restarted with the same configuration, after
# 1 s, then 2, 4 ... up to 30 s while it keeps dying within a minute of its start; the rest keeps
# running. Every exit and restart is printed and logged in var/log/run.log. Ctrl-C stops the
# simulator, the server, Redis and Mosquitto, in that order, and exits 0.
#
# No secret is ever on a command line (`ps` shows none): the broker and Redis passwords are made once
# and kept in files of mode 0600 under var/; Redis reads its password from its config file, the
# server gets them and the bootstrap admin through its environment (KW_MQTT_PASSWORD,
# KW_REDIS_PASSWORD, KW_AUTH_BOOTSTRAP_ADMIN), mosquitto_ctrl reads its password on stdin.
# The sandbox SMS provider appends each code it "sends" to var/sms-outbox.log.
#
# Environment (all optional):
#   BUILD_DIR        where the binaries are (default build)
#   VAR_DIR          state and logs (default var)
#   KW_SERVER_PORT   HTTP port (default 8080)      KW_MQTT_PORT   broker port (default 1883)
#   KW_REDIS_PORT    Redis port (default 6379)     SIM_CONTROL_PORT  simulator control (default 7070)
#   KW_OCPP_PORT     OCPP edge port (default 8180)
#   KW_OCPP_PENDING  1: the edge holds unknown charge points for approval in the console (docs/ocpp.md)
# A port given explicitly must be free; a default port that is taken is replaced by a free one.
# Any other KW_SECTION_KEY variable goes to the server as usual (see docs/operations.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=$(realpath -m "${BUILD_DIR:-build}")
VAR=$(realpath -m "${VAR_DIR:-var}")
LOG="$VAR/log"
SERVER_BIN="$BUILD_DIR/server/kilowatt"
SIM_BIN="$BUILD_DIR/sim/kilowatt-sim"
OCPP_BIN="$BUILD_DIR/ocpp/kilowatt-ocpp"
PATH="$PATH:/usr/sbin:/sbin"

say() { printf 'run.sh: %s\n' "$*"; }
die() {
    printf 'run.sh: %s\n' "$*" >&2
    exit 1
}

for bin in "$SERVER_BIN" "$SIM_BIN" "$OCPP_BIN"; do
    [[ -x "$bin" ]] || die "$bin not found: run 'make build' first (or 'make run')"
done
for prog in mosquitto mosquitto_ctrl redis-server python3 curl; do
    command -v "$prog" >/dev/null || die "$prog not found: run scripts/deps.sh"
done
mkdir -p "$LOG/previous" "$VAR/run"
(umask 077 && mkdir -p "$VAR/mosquitto" "$VAR/redis")  # they hold passwords
chmod 700 "$VAR/mosquitto" "$VAR/redis"
# Each run starts with fresh logs; the last run's are kept in var/log/previous/.
for f in "$LOG"/*.log "$LOG"/*.out; do
    if [[ -e "$f" ]]; then mv -f "$f" "$LOG/previous/"; fi
done

# ------------------------------------------------------------------------------------------ ports
port_free() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# pick_port NAME EXPLICIT DEFAULT: the explicit port if given (it must be free), else the default,
# else any free port.
pick_port() {
    local name=$1 explicit=$2 default=$3
    if [[ -n "$explicit" ]]; then
        port_free "$explicit" || die "$name port $explicit (set in the environment) is in use"
        echo "$explicit"
    elif port_free "$default"; then
        echo "$default"
    else
        local p
        p=$(free_port)
        say "$name port $default is in use; using $p" >&2
        echo "$p"
    fi
}
wait_port() {  # wait_port PORT PID SECONDS
    local deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        kill -0 "$2" 2>/dev/null || return 1
        if ! port_free "$1"; then return 0; fi
        sleep 0.1
    done
    return 1
}

# ------------------------------------------------------------------------------------ processes
# Each service runs in its own session (setsid), so the terminal's Ctrl-C reaches only this script,
# which then stops them in order. pid files let the next run clean up after a killed script.
declare -A PIDS=() STARTED=()
ORDER=(ocpp sim kilowatt redis mosquitto)  # stop order

stop_one() {  # stop_one NAME SECONDS
    local name=$1 pid=${PIDS[$1]:-}
    [[ -n "$pid" ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + $2))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name did not stop in $2 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
    rm -f "$VAR/run/$name.pid"
    unset "PIDS[$name]"
}
stop_all() {
    local name
    for name in "${ORDER[@]}"; do
        if [[ -n "${PIDS[$name]:-}" ]]; then
            say "stopping $name"
            case $name in
                kilowatt) stop_one "$name" 30 ;;
                *) stop_one "$name" 10 ;;
            esac
        fi
    done
}
on_signal() {
    trap '' INT TERM
    echo
    stop_all
    say "stopped"
    exit 0
}
on_exit() {
    local rc=$?
    trap '' INT TERM
    stop_all
    exit "$rc"
}
trap on_signal INT TERM
trap on_exit EXIT

# start NAME LOGFILE PROGRAM ARGS...: starts PROGRAM in the background with its output in LOGFILE.
start() {
    local name=$1 logfile=$2
    shift 2
    setsid "$@" >>"$logfile" 2>&1 </dev/null &
    PIDS[$name]=$!
    STARTED[$name]=$SECONDS
    echo "$!" >"$VAR/run/$name.pid"
}
# A service left running by a run.sh that was killed with SIGKILL: stop it (matched by pid file and
# program name, so an unrelated process that reused the pid is left alone).
for pidfile in "$VAR"/run/*.pid; do
    [[ -e "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    name=$(basename "$pidfile" .pid)
    if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]]; then
        cmd=$(tr '\0' ' ' </proc/"$pid"/cmdline)
        case "$name:$cmd" in
            ocpp:*kilowatt-ocpp* | sim:*kilowatt-sim* | kilowatt:*kilowatt* | redis:*redis-server* | mosquitto:*mosquitto*)
                say "stopping $name (pid $pid) left from an earlier run"
                PIDS[$name]=$pid
                ;;
        esac
    fi
    rm -f "$pidfile"
done
stop_all
log_tail() { tail -n 30 "$1" 2>/dev/null | sed 's/^/    /' >&2 || true; }

HTTP_PORT=$(pick_port HTTP "${KW_SERVER_PORT:-}" 8080)
MQTT_PORT=$(pick_port MQTT "${KW_MQTT_PORT:-}" 1883)
REDIS_PORT=$(pick_port Redis "${KW_REDIS_PORT:-}" 6379)
SIM_PORT=$(pick_port "simulator control" "${SIM_CONTROL_PORT:-}" 7070)
OCPP_PORT=$(pick_port "OCPP edge" "${KW_OCPP_PORT:-}" 8180)

# ---------------------------------------------------------------------------------------- Mosquitto
# The server's account is the dynamic-security admin; its password is made once and kept in var/.
DYNSEC="$VAR/mosquitto/dynamic-security.json"
MQTT_USER=kilowatt
MQTT_PASSWORD_FILE="$VAR/mosquitto/kilowatt.password"
if [[ ! -s "$DYNSEC" || ! -s "$MQTT_PASSWORD_FILE" ]]; then
    [[ -e "$DYNSEC" ]] && mv "$DYNSEC" "$DYNSEC.old"  # its admin password was lost: start over
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$MQTT_PASSWORD_FILE")
    # The password goes in on stdin (asked twice), not as an argument.
    (umask 077 && { cat "$MQTT_PASSWORD_FILE" "$MQTT_PASSWORD_FILE"; } |
        mosquitto_ctrl dynsec init "$DYNSEC" "$MQTT_USER" >>"$LOG/mosquitto_ctrl.log" 2>&1) ||
        { log_tail "$LOG/mosquitto_ctrl.log"; die "mosquitto_ctrl dynsec init failed"; }
    say "created the broker's dynamic-security file with admin '$MQTT_USER'"
fi
MQTT_PASSWORD=$(cat "$MQTT_PASSWORD_FILE")
# KW_OCPP_PENDING=1: the OCPP edge's own broker account (the server creates it), password made once.
EDGE_PASSWORD=""
if [[ "${KW_OCPP_PENDING:-}" == 1 ]]; then
    EDGE_PASSWORD_FILE="$VAR/mosquitto/ocpp-edge.password"
    if [[ ! -s "$EDGE_PASSWORD_FILE" ]]; then
        (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$EDGE_PASSWORD_FILE")
    fi
    EDGE_PASSWORD=$(cat "$EDGE_PASSWORD_FILE")
fi
PLUGIN=""
for candidate in /usr/lib/*/mosquitto_dynamic_security.so /usr/lib/mosquitto_dynamic_security.so \
    /usr/local/lib/mosquitto_dynamic_security.so /usr/lib*/mosquitto/mosquitto_dynamic_security.so; do
    if [[ -r "$candidate" ]]; then
        PLUGIN=$candidate
        break
    fi
done
[[ -n "$PLUGIN" ]] || die "mosquitto_dynamic_security.so not found (package mosquitto)"
{
    echo "# Written by scripts/run.sh on every start; edit the script, not this file."
    echo "per_listener_settings false"
    echo "listener $MQTT_PORT 127.0.0.1"
    echo "allow_anonymous false"
    if [[ $(id -u) -eq 0 ]]; then echo "user root"; fi
    echo "plugin $PLUGIN"
    echo "plugin_opt_config_file $DYNSEC"
    echo "persistence true"
    echo "persistence_location $VAR/mosquitto/"
    echo "log_dest file $LOG/mosquitto.log"
    printf 'log_type %s\n' error warning notice information
    echo "connection_messages true"
    echo "log_timestamp_format %Y-%m-%dT%H:%M:%S"
    echo "max_queued_messages 100000"
    echo "set_tcp_nodelay true"  # no Nagle delay on small packets (deploy/mosquitto/mosquitto.conf)
} >"$VAR/mosquitto/mosquitto.conf"
launch_mosquitto() { start mosquitto "$LOG/mosquitto.out" mosquitto -c "$VAR/mosquitto/mosquitto.conf"; }
launch_mosquitto
wait_port "$MQTT_PORT" "${PIDS[mosquitto]}" 20 || {
    log_tail "$LOG/mosquitto.log"
    log_tail "$LOG/mosquitto.out"
    die "mosquitto did not start (logs $LOG/mosquitto.log, $LOG/mosquitto.out)"
}
say "mosquitto on 127.0.0.1:$MQTT_PORT"

# -------------------------------------------------------------------------------------------- Redis
# Live data (presence, latest meter values) and login tokens, with its append-only file as
# deploy/redis/redis.conf ships it: a Redis the supervisor restarts logs nobody out (the chargers
# report their live state again anyway). A random password, made once and kept in
# var/redis/password; redis-server reads it from its config file (mode 0600), not from argv.
REDIS_PASSWORD_FILE="$VAR/redis/password"
if [[ ! -s "$REDIS_PASSWORD_FILE" ]]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(24))' >"$REDIS_PASSWORD_FILE")
fi
REDIS_PASSWORD=$(cat "$REDIS_PASSWORD_FILE")
(
    umask 077
    {
        echo "# Written by scripts/run.sh on every start; edit the script, not this file."
        echo "port $REDIS_PORT"
        echo "bind 127.0.0.1"
        echo "protected-mode yes"
        echo "dir $VAR/redis"
        echo 'save ""'
        echo "appendonly yes"
        echo "appendfsync everysec"
        echo "daemonize no"
        echo "loglevel notice"
        echo "requirepass $REDIS_PASSWORD"
    } >"$VAR/redis/redis.conf"
)
chmod 600 "$VAR/redis/redis.conf"
launch_redis() { start redis "$LOG/redis.log" redis-server "$VAR/redis/redis.conf"; }
launch_redis
wait_port "$REDIS_PORT" "${PIDS[redis]}" 20 || {
    log_tail "$LOG/redis.log"
    die "redis-server did not start (log $LOG/redis.log)"
}
say "redis on 127.0.0.1:$REDIS_PORT"

# ----------------------------------------------------------------------------------------- kilowatt
# The demo chargers' credentials for the simulator: written by the demo seed (mode 0600) and kept at
# this path across runs; the server reuses it rather than issuing new passwords at every start.
CSV="$VAR/demo-chargers.csv"
SMS_OUTBOX="$VAR/sms-outbox.log"
SERVER_ARGS=(
    --demo "--demo.chargers_csv=$CSV" "--sms.sandbox_outbox=$SMS_OUTBOX"
    "--database.url=sqlite:$VAR/kilowatt.db" --server.address=127.0.0.1 "--server.port=$HTTP_PORT"
    "--server.public_url=http://127.0.0.1:$HTTP_PORT"
    --redis.host=127.0.0.1 "--redis.port=$REDIS_PORT"
    --mqtt.host=127.0.0.1 "--mqtt.port=$MQTT_PORT" --mqtt.broker=mosquitto
    "--mqtt.username=$MQTT_USER"
)
# The web apps, once built by their issues, are served from these folders.
[[ -f web/admin/dist/index.html ]] && SERVER_ARGS+=("--server.admin_root=$ROOT/web/admin/dist")
[[ -f web/app/dist/index.html ]] && SERVER_ARGS+=("--server.app_root=$ROOT/web/app/dist")
# Secrets through the environment of the server only (exported for each start of it).
launch_kilowatt() {
    export KW_MQTT_PASSWORD="$MQTT_PASSWORD" KW_REDIS_PASSWORD="$REDIS_PASSWORD" KW_AUTH_BOOTSTRAP_ADMIN=admin:Admin1234
    if [[ -n "$EDGE_PASSWORD" ]]; then export KW_MQTT_EDGE_PASSWORD="$EDGE_PASSWORD"; fi
    start kilowatt "$LOG/kilowatt.log" "$SERVER_BIN" "${SERVER_ARGS[@]}"
    export -n KW_MQTT_PASSWORD KW_REDIS_PASSWORD KW_AUTH_BOOTSTRAP_ADMIN KW_MQTT_EDGE_PASSWORD
    unset KW_MQTT_PASSWORD KW_REDIS_PASSWORD KW_AUTH_BOOTSTRAP_ADMIN KW_MQTT_EDGE_PASSWORD
}
launch_kilowatt
# Ready: the database, Redis and the broker all answer (/healthz only says the process lives).
deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/readyz" 2>/dev/null; do
    if ! kill -0 "${PIDS[kilowatt]}" 2>/dev/null || ((SECONDS >= deadline)); then
        log_tail "$LOG/kilowatt.log"
        curl -sS "http://127.0.0.1:$HTTP_PORT/readyz" 2>/dev/null | sed 's/^/    readyz: /' >&2 || true
        die "kilowatt did not become ready (log $LOG/kilowatt.log)"
    fi
    sleep 0.2
done
say "kilowatt on http://127.0.0.1:$HTTP_PORT (ready)"
# The demo chargers' credentials: the seed (or its check of an existing database) logs an
# event=demo_... line once the CSV is there for this run.
deadline=$((SECONDS + 60))
until [[ -s "$CSV" ]] && grep -E 'event=demo_' "$LOG/kilowatt.log" | grep -qv 'event=demo_seed_failed'; do
    if ! kill -0 "${PIDS[kilowatt]}" 2>/dev/null || ((SECONDS >= deadline)) ||
        grep -q 'event=demo_seed_failed' "$LOG/kilowatt.log"; then
        log_tail "$LOG/kilowatt.log"
        die "kilowatt did not write the demo chargers to $CSV (log $LOG/kilowatt.log)"
    fi
    sleep 0.2
done
chmod 600 "$CSV"  # the chargers' broker passwords

# ------------------------------------------------------------------------------------ kilowatt-sim
launch_sim() {
    start sim "$LOG/sim.log" "$SIM_BIN" --broker-host 127.0.0.1 --broker-port "$MQTT_PORT" --chargers "$CSV" \
        --meter-interval 5 --control-port "$SIM_PORT"
}
launch_sim
sleep 1
kill -0 "${PIDS[sim]}" 2>/dev/null || {
    log_tail "$LOG/sim.log"
    die "kilowatt-sim did not start (log $LOG/sim.log)"
}
say "kilowatt-sim: $(($(wc -l <"$CSV") - 1)) chargers, control on 127.0.0.1:$SIM_PORT"

# ---------------------------------------------------------------------------------- kilowatt-ocpp
# Charge points log in with their own code and broker password (docs/ocpp.md): the edge holds no secret.
launch_ocpp() {
    local pending=()
    if [[ -n "$EDGE_PASSWORD" ]]; then
        pending=(--pending-unknown)
        export KW_MQTT_EDGE_PASSWORD="$EDGE_PASSWORD"
    fi
    start ocpp "$LOG/ocpp.log" "$OCPP_BIN" --address 127.0.0.1 --port "$OCPP_PORT" --broker-host 127.0.0.1 \
        --broker-port "$MQTT_PORT" "${pending[@]}"
    export -n KW_MQTT_EDGE_PASSWORD
    unset KW_MQTT_EDGE_PASSWORD
}
launch_ocpp
wait_port "$OCPP_PORT" "${PIDS[ocpp]}" 10 || {
    log_tail "$LOG/ocpp.log"
    die "kilowatt-ocpp did not start (log $LOG/ocpp.log)"
}
say "kilowatt-ocpp: ws://127.0.0.1:$OCPP_PORT/ocpp/<chargeBoxId>"

API="http://127.0.0.1:$HTTP_PORT"
cat <<EOF

  Kilowatt is running.

  API           $API/api/v1/        ready: $API/readyz   alive: $API/healthz
  WebSocket     ws://127.0.0.1:$HTTP_PORT/api/v1/ws?ticket=<ticket from POST /api/v1/ws-ticket>
  Admin console $API/admin/          (served once web/admin is built)
  Driver app    $API/app/            (served once web/app is built)
  MQTT broker   127.0.0.1:$MQTT_PORT   Redis 127.0.0.1:$REDIS_PORT   Database $VAR/kilowatt.db
  OCPP 1.6J     ws://127.0.0.1:$OCPP_PORT/ocpp/<chargeBoxId>  (Basic auth: the charger's code and password; docs/ocpp.md)

  SMS codes     tail $SMS_OUTBOX    (sandbox SMS: the code of a registration lands here)

  Accounts
    driver      13800138000 / Demo1234      (200 yuan balance)
    admin       admin / Admin1234
    operator    operator / Operator1234
    maintainer  maintainer / Maint1234

  Try it (another terminal):
    T=\$(curl -s $API/api/v1/auth/driver/login -H 'Content-Type: application/json' \\
          -d '{"phone":"13800138000","password":"Demo1234"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    curl -s "$API/api/v1/stations/nearby?lng=121.47&lat=31.23" -H "Authorization: Bearer \$T"
    curl -s "$API/api/v1/chargers/by-qr?content=SH-AC-01/1" -H "Authorization: Bearer \$T"
    curl -s $API/api/v1/orders -H "Authorization: Bearer \$T" -H 'Content-Type: application/json' \\
          -d '{"charger_code":"SH-AC-01","connector":1}'            # start charging: note the "id"
    watch -n 5 "curl -s $API/api/v1/orders/<id> -H 'Authorization: Bearer \$T'"   # energy and cost grow
    curl -s -X POST $API/api/v1/orders/<id>/stop -H "Authorization: Bearer \$T"   # stop; then settled
    staff:  curl -s $API/api/v1/auth/staff/login -H 'Content-Type: application/json' \\
          -d '{"login":"admin","password":"Admin1234"}'

  Simulator control (sim/README.md), e.g. a fault on SH-DC-01 connector 2:
    exec 3<>/dev/tcp/127.0.0.1/$SIM_PORT; echo 'fault SH-DC-01 2 overheat' >&3; head -n1 <&3; exec 3>&-

  Register a driver: POST /api/v1/auth/sms-code {"phone":"139...","purpose":"register"}, read the code
  with 'tail -n1 $SMS_OUTBOX', then POST /api/v1/auth/driver/register {"phone","code","password"}.
  Secrets (mode 0600): $VAR/mosquitto/kilowatt.password, $VAR/redis/password (redis-cli: REDISCLI_AUTH).

  Logs: $LOG/{kilowatt,sim,ocpp,mosquitto,redis}.log; exits and restarts: $LOG/run.log
  A component that dies is restarted; Ctrl-C stops everything.

EOF

# Supervise until Ctrl-C (the trap stops everything and exits 0): a process that died is restarted
# after its back-off; the others are left alone (the server and the simulator reconnect by
# themselves to a restarted broker or Redis).
declare -A BACKOFF=() DUE=()
note() { say "$*"; printf '%s run.sh: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$LOG/run.log"; }
logfile_of() {
    case $1 in
        mosquitto) echo "$LOG/mosquitto.log" ;; *) echo "$LOG/$1.log" ;;
    esac
}
while true; do
    # With a restart pending, wake up within a second for it; otherwise when a child exits.
    if ((${#DUE[@]} > 0)); then sleep 1 & fi
    wait -n || true
    for name in "${ORDER[@]}"; do
        pid=${PIDS[$name]:-}
        if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null && rc=0 || rc=$?
            unset "PIDS[$name]"
            rm -f "$VAR/run/$name.pid"
            lived=$((SECONDS - ${STARTED[$name]}))
            # Back-off: 1 s after a run of a minute or more, else twice the last one, at most 30 s.
            previous=${BACKOFF[$name]:-0}
            if ((lived >= 60 || previous == 0)); then delay=1; else delay=$((previous * 2 > 30 ? 30 : previous * 2)); fi
            BACKOFF[$name]=$delay
            DUE[$name]=$((SECONDS + delay))
            note "$name exited on its own (status $rc, after $lived s); restarting it in $delay s (log $(logfile_of "$name"))"
        fi
    done
    for name in "${!DUE[@]}"; do
        if ((SECONDS >= ${DUE[$name]})); then
            unset "DUE[$name]"
            "launch_$name"
            note "$name restarted (pid ${PIDS[$name]})"
        fi
    done
done
