#!/usr/bin/env python3
"""Kilowatt benchmark harness: `make bench` (see bench/README.md).

  python3 bench/run.py --build-dir build-bench [-s connect,api,ingest,redis] [-n 10000] [--db mariadb]
  python3 bench/run.py --build-dir build-bench -s ocpp -n 1000     # OCPP 1.6J stations through kilowatt-ocpp
  python3 bench/run.py --build-dir build-bench -s ocpp201 -n 1000  # the same on OCPP 2.0.1
  python3 bench/run.py --smoke --build-dir build --out /tmp/x    # every scenario, tiny N (ctest BenchSmoke)

Starts its own Mosquitto, Redis, (MariaDB), kilowatt (and kilowatt-ocpp) on free loopback ports,
provisions through the API, runs the scenarios in order and writes <out>/<date>-<host>.{json,md} and
PNG plots."""
import argparse
import datetime
import importlib
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kwbench import procstat, provision, report  # noqa: E402
from kwbench import stack as stk  # noqa: E402
from kwbench.scenarios import ORDER  # noqa: E402

# Durations and sizes of a full run and of the smoke run (seconds, not minutes).
FULL = {"online_timeout_s": 180, "heartbeat_window_s": 60, "wrk_threads": 2, "wrk_connections": 50,
        "wrk_seconds": 10, "api_rate": 2000, "ingest_window_s": 20, "idle_window_s": 10, "flood_seconds": 10,
        "flood_chargers": 500, "ingest_sessions": 1000, "sessions": 1000, "sessions_charge_s": 10,
        "redis_requests": 200000, "push_clients": 1000, "push_rates": [1000, 5000], "push_seconds": 10,
        "scaleout_qos": [0, 1], "ocpp_stations": 1000, "ocpp_cycles": 3, "ocpp_ramp": 200,
        "ocpp_paced_rates": [500, 1000, 2000, 3000, 4000, 5000]}
SMOKE = {"online_timeout_s": 60, "heartbeat_window_s": 2, "wrk_threads": 1, "wrk_connections": 4,
         "wrk_seconds": 1, "api_rate": 200, "ingest_window_s": 3, "idle_window_s": 1, "flood_seconds": 1,
         "flood_chargers": 5, "ingest_sessions": 4, "sessions": 4, "sessions_charge_s": 2, "redis_requests": 2000,
         "push_clients": 5, "push_rates": [50], "push_seconds": 1, "scaleout_qos": [0],
         "ocpp_stations": 5, "ocpp_cycles": 3, "ocpp_ramp": 200, "ocpp_paced_rates": [50]}


class Context:
    def __init__(self, args, stack, p, log):
        self.args, self.stack, self.p, self.log = args, stack, p, log
        self.meter = procstat.Meter(stack)
        self.fleet = None
        self.results = {}
        self.last_cpu = {}

    def tool(self, name):
        return self.stack.binary(f"bench/{name}")

    def start_sims(self):
        if not self.stack.sims:
            self.stack.start_sims(self.fleet.chargers, meter_interval=1)

    def ensure_online(self):
        """The chargers connected (the connect scenario does it while timing it)."""
        if self.stack.sims:
            return
        self.start_sims()
        n = len(self.fleet.chargers)
        deadline = time.time() + self.p["online_timeout_s"]
        while self.fleet.online() < n:
            if time.time() > deadline:
                raise RuntimeError("chargers did not come online")
            time.sleep(0.5)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default="build-bench")
    ap.add_argument("-s", "--scenarios", default="all", help=f"comma-separated, from {','.join(ORDER)} (default all)")
    ap.add_argument("-n", "--chargers", type=int, default=None, help="chargers (default 10000; smoke 10)")
    ap.add_argument("--stations", type=int, default=None, help="stations (default chargers / 5)")
    ap.add_argument("--sessions", type=int, default=None, help="ingest: sessions (default 1000, at most chargers - 1)")
    ap.add_argument("--sessions-k", type=int, default=None, help="sessions: concurrent sessions (default 1000)")
    ap.add_argument("--db", choices=["sqlite", "mariadb"], default=None,
                    help="default sqlite; mariadb when scaleout is asked for by name")
    ap.add_argument("--broker-accounts", choices=["auto", "dynsec", "file"], default="auto",
                    help="charger accounts in Mosquitto: dynamic security managed by the server, or a password "
                         "file + ACL pattern kept by the harness (mqtt.broker=none); auto = file above 2,000 "
                         "chargers (dynamic security's cost grows with the square of the fleet)")
    ap.add_argument("--smoke", action="store_true", help="every scenario with tiny numbers, seconds not minutes")
    ap.add_argument("--out", default=None, help="results folder (default bench/results)")
    ap.add_argument("--keep", action="store_true", help="keep the stack's temp dir (logs) afterwards")
    ap.add_argument("--paced-rates", default=None, metavar="R1,R2",
                    help="ocpp, ocpp201: the paced rates offered, calls/s (default 500,1000,2000,3000,4000,5000)")
    ap.add_argument("--redis-socket", action="store_true",
                    help="the server and redis-benchmark's baseline reach Redis on its Unix socket, not TCP")
    ap.add_argument("--server-flag", action="append", default=[], metavar="FLAG",
                    help="one more kilowatt flag, e.g. --server-flag=--server.device_workers=4 (repeatable; "
                         "recorded in the results)")
    args = ap.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    out = args.out or os.path.join(here, "results")
    os.makedirs(out, exist_ok=True)
    p = dict(SMOKE if args.smoke else FULL)
    if args.paced_rates:
        p["ocpp_paced_rates"] = [int(r) for r in args.paced_rates.split(",") if r.strip()]
    n = args.chargers or (10 if args.smoke else 10000)
    stations = args.stations or max(1, n // 5)
    names = ORDER if args.scenarios == "all" else [s.strip() for s in args.scenarios.split(",") if s.strip()]
    for s in names:
        if s not in ORDER:
            ap.error(f"unknown scenario {s} (known: {', '.join(ORDER)})")
    # Two server processes cannot share one SQLite database: scaleout asked for by name runs the
    # whole run on MariaDB; "all" keeps SQLite (the other figures stay SQLite's) and skips scaleout.
    db_note = None
    if "scaleout" in names and args.scenarios != "all" and args.db != "mariadb":
        if args.db == "sqlite":
            ap.error("scaleout needs --db mariadb: two server processes cannot share one SQLite database")
        args.db = "mariadb"
        db_note = "MariaDB because scaleout was asked for (two server processes cannot share one SQLite database)"
    args.db = args.db or "sqlite"
    t_start = time.time()

    def log(msg):
        print(f"[{time.time() - t_start:7.1f}s] {msg}", flush=True)

    if db_note:
        log(db_note)

    doc = {"started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "machine": procstat.machine(), "loadavg_before": procstat.loadavg(), "smoke": args.smoke,
           "db": args.db, "db_note": db_note, "chargers": n, "stations": stations, "params": p, "scenarios": {},
           "note": "The load generators (kilowatt-sim, wrk, kw-bench-mqtt-*, redis-benchmark, ocpp_load.mjs) share "
                   "the machine's cores with the server, the broker and Redis."}
    # The ingest flood's chargers never answer a stop: their orders settle at the last applied
    # reading after orders.stop_timeout_s. A full run keeps the default (60 s; a shorter one would
    # also settle slow but healthy stops of the sessions scenario early); the smoke run shortens it.
    flags = (["--orders.stop_timeout_s=5"] if args.smoke else []) + args.server_flag
    doc["server_flags"] = flags
    accounts = args.broker_accounts
    if accounts == "auto":  # the ocpp scenario's stations are broker accounts too
        ocpp_accounts = min(p["ocpp_stations"], n) * sum(name in names for name in ("ocpp", "ocpp201"))
        accounts = "file" if n + ocpp_accounts > 2000 else "dynsec"
    doc["broker_accounts"] = accounts
    doc["redis_socket"] = args.redis_socket
    stack = stk.Stack(os.path.abspath(args.build_dir), db=args.db, keep=args.keep, server_flags=flags,
                      broker_accounts=accounts, redis_socket=args.redis_socket)
    ctx = Context(args, stack, p, log)
    rc = 0
    try:
        log(f"starting Mosquitto, Redis{', MariaDB' if args.db == 'mariadb' else ''} and kilowatt in {stack.dir}")
        stack.start()
        doc["metrics_endpoint"] = bool(stack.metrics_token)
        log(f"kilowatt on {stack.base_url}; provisioning {stations} stations and {n} chargers")
        ctx.fleet = provision.Fleet(stack, log)
        ctx.fleet.create_stations(stations)
        ctx.fleet.create_chargers(n)
        doc["provisioning"] = ctx.fleet.figures
        for name in names:
            log(f"scenario {name}")
            t0 = time.time()
            try:
                mod = importlib.import_module(f"kwbench.scenarios.{name}")
                res = mod.run(ctx)
                res["ok"] = True
            except Exception as e:  # a failed scenario is reported; the others still run
                traceback.print_exc()
                res = {"ok": False, "error": f"{type(e).__name__}: {e}", "figures": []}
                rc = 1
            res["took_s"] = round(time.time() - t0, 1)
            ctx.results[name] = res
            doc["scenarios"][name] = res
            log(f"scenario {name}: {'done' if res['ok'] else 'FAILED: ' + res['error']} in {res['took_s']} s")
    except Exception as e:
        traceback.print_exc()
        doc["error"] = f"{type(e).__name__}: {e}"
        rc = 1
    finally:
        doc["final_cpu"] = procstat.Meter.delta({}, ctx.meter.take(), time.time() - t_start)
        stack.close()
        if args.keep:
            log(f"kept {stack.dir}")
    doc["loadavg_after"] = procstat.loadavg()
    doc["took_s"] = round(time.time() - t_start, 1)
    paths = report.write(doc, out, smoke=args.smoke)
    for path in paths:
        log(f"wrote {path}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
