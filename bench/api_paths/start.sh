#!/usr/bin/env bash
# Starts the API benchmark stack: Mosquitto (anonymous, no accounts needed: the server runs with
# mqtt.broker=none), Redis and kilowatt --demo on SQLite, all under VAR_DIR, on HTTP_PORT..+2.
# usage: start.sh BUILD_DIR VAR_DIR HTTP_PORT
set -euo pipefail
BUILD=$1 VAR=$2 HTTP=$3
MQTT=$((HTTP+1)) REDIS=$((HTTP+2))
mkdir -p "$VAR/log" "$VAR/redis" "$VAR/mq"
printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser root\npersistence false\nmax_queued_messages 100000\n' $MQTT > "$VAR/mq/m.conf"
setsid mosquitto -c "$VAR/mq/m.conf" > "$VAR/log/mosquitto.log" 2>&1 < /dev/null & echo $! > "$VAR/mosquitto.pid"
printf 'port %s\nbind 127.0.0.1\ndir %s\nsave ""\nappendonly no\nrequirepass benchpw\n' $REDIS "$VAR/redis" > "$VAR/redis/r.conf"
setsid redis-server "$VAR/redis/r.conf" > "$VAR/log/redis.log" 2>&1 < /dev/null & echo $! > "$VAR/redis.pid"
sleep 1
KW_REDIS_PASSWORD=benchpw KW_AUTH_BOOTSTRAP_ADMIN=admin:Admin1234 setsid "$BUILD/server/kilowatt" --demo \
  --demo.chargers_csv="$VAR/demo-chargers.csv" --sms.sandbox_outbox="$VAR/sms.log" \
  --database.url=sqlite:"$VAR/kilowatt.db" --server.address=127.0.0.1 --server.port=$HTTP \
  --server.public_url=http://127.0.0.1:$HTTP --redis.host=127.0.0.1 --redis.port=$REDIS \
  --mqtt.host=127.0.0.1 --mqtt.port=$MQTT --mqtt.broker=none --mqtt.username=kilowatt --log.level=warn \
  > "$VAR/log/kilowatt.log" 2>&1 < /dev/null & echo $! > "$VAR/kilowatt.pid"
for i in $(seq 100); do curl -fsS -o /dev/null http://127.0.0.1:$HTTP/readyz 2>/dev/null && break; sleep 0.3; done
curl -sS http://127.0.0.1:$HTTP/readyz; echo
