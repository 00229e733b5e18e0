#!/usr/bin/env bash
# bench.sh PORT TOKEN OUT NGINX_ROOT NGINX_PORT: wrk -t2 -c32 -d10s on each API path and on nginx
# serving the same response bytes (saved into NGINX_ROOT), then a paced run (20 connections, 10 ms
# think time each: at most ~2k req/s) for latency. See docs/performance.md.
PORT=$1 T=$2 OUT=$3 WWW=$4 NGINX=$5
HERE=$(dirname "$0")
: > "$OUT"
paths=(/api/v1/me /api/v1/stations/1000 "/api/v1/stations/nearby?lng=121.47&lat=31.23" /api/v1/orders/1)
names=(me station nearby order)
for i in "${!paths[@]}"; do
  p=${paths[$i]} n=${names[$i]}
  curl -s -H "Authorization: Bearer $T" "http://127.0.0.1:$PORT$p" > "$WWW/$n.json"
  for target in "kw http://127.0.0.1:$PORT$p" "nginx http://127.0.0.1:$NGINX/$n.json"; do
    set -- $target
    r=$(nice -n 5 wrk -t2 -c32 -d10s --timeout 10s --latency -H "Authorization: Bearer $T" "$2" 2>&1)
    rps=$(echo "$r" | awk '/Requests\/sec/{print $2}'); p99=$(echo "$r" | awk '$1=="99%"{print $2}')
    echo "$n $1 full rps=$rps p99=$p99 bytes=$(stat -c %s "$WWW/$n.json")" | tee -a "$OUT"
  done
  r=$(nice -n 5 wrk -t2 -c20 -d10s --timeout 10s --latency -s "$HERE/paced.lua" -H "Authorization: Bearer $T" "http://127.0.0.1:$PORT$p" 2>&1)
  echo "$n kw rate rps=$(echo "$r" | awk '/Requests\/sec/{print $2}') p50=$(echo "$r" | awk '$1=="50%"{print $2}') p99=$(echo "$r" | awk '$1=="99%"{print $2}')" | tee -a "$OUT"
done
r=$(nice -n 5 wrk -t2 -c32 -d10s --timeout 10s --latency "http://127.0.0.1:$PORT/healthz" 2>&1)
echo "healthz kw full rps=$(echo "$r" | awk '/Requests\/sec/{print $2}') p99=$(echo "$r" | awk '$1=="99%"{print $2}')" | tee -a "$OUT"
