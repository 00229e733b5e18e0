#!/usr/bin/env python3
"""Kilowatt fault harness: `make faults` (see bench/README.md, "Faults").

  python3 bench/faults.py --build-dir build [-n 500] [--faults all|kill-one,broker-restart,...] [--random 10]
  python3 bench/faults.py --smoke --build-dir build --out /tmp/x      # ctest FaultsSmoke

On MariaDB with two server instances in cluster mode (the broker behind a TCP proxy the harness
controls), N simulated chargers with two connectors each and a session on every connector (meter
every 2 s), it injects each fault in turn, then --random more in random order with random delays.
Around every fault a fifth of the sessions are stopped (their stops in flight during the fault) and
new ones started. After each fault: the recovery time (fault over -> the first new session
charging), then, once the stopped sessions settled, the invariants (kwbench/invariants.py) against
the chargers' own tx events (kwbench/txlog.py). Writes <out>/faults-<date>-<host>.{json,md}; exit
code 1 if any invariant was broken."""
import argparse
import datetime
import http.client
import json
import os
import random
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kwbench import faults as fl, invariants, procstat, provision, stack as stk  # noqa: E402
from kwbench.netcut import NetCut  # noqa: E402
from kwbench.txlog import TxLog, wait_quiet  # noqa: E402

CLUSTER = ["--server.cluster=true"]
DRIVER_PASSWORD = "Bench-pass1"


class Harness:
    def __init__(self, args, log):
        self.args, self.log = args, log
        self.rng = random.Random(args.seed)
        self.outage_s, self.cut_s = (5, 3) if args.smoke else (30, 10)
        self.skew_hold_s = 10 if args.smoke else 30
        self.after_round = []    # what a fault puts back once its round is measured (e.g. the clocks)
        self.fault_stopped = []  # orders a fault stopped itself: settled and checked with the round's
        self.logins_lost = False
        self.active = {}  # order id -> (driver, (charger, connector))
        self.probes, self.probe_orders = [], []  # drivers and orders of the recovery probes

    # ---------------------------------------------------------------------------------- API
    def ports(self):
        return [p.http_port for p in [self.stack.server] + self.stack.extra_servers]

    def call(self, method, path, body=None, driver=None):
        """The API through either instance (as a load balancer would), the driver logged in again
        when Redis lost the sessions. Returns (status, body); (None, None) if no instance answers."""
        for port in self.rng.sample(self.ports(), len(self.ports())):
            api = provision.Api(port)
            try:
                token = driver["token"] if driver else self.fleet.token
                status, out = api.call(method, path, body, token=token)
                if status == 401:
                    self.relogin(api, driver)
                    token = driver["token"] if driver else self.fleet.token
                    status, out = api.call(method, path, body, token=token)
                return status, out
            except (OSError, http.client.HTTPException):
                continue
        return None, None

    def relogin(self, api, driver):
        if driver is None:
            self.fleet.token = provision.admin_token(api.port)
            return
        status, out = api.call("POST", "/api/v1/auth/driver/login", {"phone": driver["phone"], "password": DRIVER_PASSWORD})
        if status == 200:
            driver["token"] = out["token"]

    def db_port_open(self):
        return stk.port_open(urllib.parse.urlparse(self.stack.db_url).port)

    # ----------------------------------------------------------------------------- sessions
    def free(self):
        busy_drivers = {d["id"] for d, _ in self.active.values()}
        busy_pairs = {pair for _, pair in self.active.values()}
        drivers = [d for d in self.drivers if d["id"] not in busy_drivers and d not in self.probes]
        pairs = [pair for pair in self.pairs if pair not in busy_pairs]
        return drivers, pairs

    def start(self, n):
        drivers, pairs = self.free()
        self.rng.shuffle(pairs)
        started = 0
        for driver, pair in zip(drivers, pairs[:n]):
            status, out = self.call("POST", "/api/v1/orders", {"charger_code": pair[0], "connector": pair[1]}, driver)
            if status == 201:
                self.active[out["id"]] = (driver, pair)
                started += 1
        return started

    def stop_some(self, fraction):
        ids = self.rng.sample(sorted(self.active), int(len(self.active) * fraction))
        for oid in ids:
            driver, _ = self.active.pop(oid)
            self.call("POST", f"/api/v1/orders/{oid}/stop", driver=driver)
        return ids

    def forget_ended(self):
        """Orders that are no longer active in SQL (ended at the charger, settled by a timeout...)."""
        still = set(invariants.still_active(self.stack, list(self.active)))
        self.active = {k: v for k, v in self.active.items() if k in still}

    def recovery(self, t_fault_over, timeout):
        """Seconds from the fault's end until a new session charges (None: not within timeout), by a
        driver kept for this (no session of theirs is stopping), on a free connector; the probe
        session is stopped again at once."""
        deadline = time.time() + timeout
        busy = {d["id"] for d, _ in self.active.values()}
        driver = next(d for d in self.probes if d["id"] not in busy)
        while time.time() < deadline:
            _, pairs = self.free()
            if not pairs:
                return None
            pair = self.rng.choice(pairs)
            status, out = self.call("POST", "/api/v1/orders", {"charger_code": pair[0], "connector": pair[1]}, driver)
            if status == 201:
                oid = out["id"]
                self.active[oid] = (driver, pair)
                while time.time() < deadline:
                    s, o = self.call("GET", f"/api/v1/orders/{oid}", driver=driver)
                    if s == 200 and o["state"] == "charging":
                        took = round(time.time() - t_fault_over, 1)
                        self.active.pop(oid, None)
                        self.call("POST", f"/api/v1/orders/{oid}/stop", driver=driver)
                        self.probe_orders.append(oid)
                        return took
                    if s == 200 and o["state"] not in invariants.ACTIVE:
                        self.active.pop(oid, None)
                        break
                    time.sleep(0.2)
            else:
                time.sleep(0.5)
        return None

    def charging(self):
        """{order id: "code/connector"} of every session the simulators run now."""
        out = {}
        for sim in self.stack.sims:
            for c in self.stack.sim_control(sim, "status")["chargers"]:
                for con in c["connectors"]:
                    if con.get("order_id"):
                        out[int(con["order_id"])] = f"{c['code']}/{con['connector']}"
        return out

    def settled(self, ids, timeout):
        """Until none of the orders is active any more; returns the ids still active."""
        deadline, left = time.time() + timeout, list(ids)
        while left and time.time() < deadline:
            left = invariants.still_active(self.stack, left)
            if left:
                time.sleep(1)
        return left


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("-n", "--chargers", type=int, default=None, help="chargers, two connectors each (default 500)")
    ap.add_argument("--faults", default="all", help=f"comma-separated from {','.join(fl.FAULTS)}")
    ap.add_argument("--random", type=int, default=None, help="then this many faults in random order (default 11)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--smoke", action="store_true", help="4 chargers, short outages, no random round")
    ap.add_argument("--out", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    n = args.chargers or (4 if args.smoke else 500)
    names = list(fl.FAULTS) if args.faults == "all" else [f.strip() for f in args.faults.split(",") if f.strip()]
    for f in names:
        if f not in fl.FAULTS:
            ap.error(f"unknown fault {f} (known: {', '.join(fl.FAULTS)})")
    rounds = [(f, 0.0) for f in names]
    h = Harness(args, None)
    extra = args.random if args.random is not None else (0 if args.smoke else 11)
    rounds += [(h.rng.choice(names), round(h.rng.uniform(0, 10), 1)) for _ in range(extra)]
    t0 = time.time()

    def log(msg):
        print(f"[{time.time() - t0:7.1f}s] {msg}", flush=True)
    h.log = log
    out_dir = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    os.makedirs(out_dir, exist_ok=True)
    # The shipped timeouts, but for the offline settlement (default 10 min: longer than a run).
    flags = ["--orders.offline_settle_s=120", "--log.level=info"]
    stack = stk.Stack(os.path.abspath(args.build_dir), db="mariadb", keep=args.keep, server_flags=flags)
    h.stack = stack
    rows = []
    doc = {"started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                     "machine": procstat.machine(), "chargers": n, "smoke": args.smoke, "seed": args.seed,
                     "server_flags": flags, "rounds": rows}
    broken = 0
    try:
        def proxy(s):
            h.proxy = NetCut(s.mqtt_port)
            s.server_mqtt_port = h.proxy.port
        log(f"starting Mosquitto, Redis, MariaDB, a TCP proxy and two kilowatt instances in {stack.dir}")
        stack.start(CLUSTER, before_server=proxy)
        stack.start_second_server(CLUSTER)
        h.fleet = provision.Fleet(stack, log)
        h.fleet.create_stations(max(1, n // 5))
        h.fleet.create_chargers(n, connectors=2)
        h.pairs = [(c["code"], k) for c in h.fleet.chargers for k in (1, 2)]
        h.drivers = provision.register_drivers(h.fleet, 2 * n + 2, 10_000_000)
        h.probes = h.drivers[-2:]
        h.txlog = TxLog(stack)
        stack.start_sims(h.fleet.chargers, meter_interval=2)
        stk.wait_until(lambda: h.fleet.online() >= n, 120, "chargers online")
        spare = 2  # connectors left free for the recovery probes
        log(f"{h.start(len(h.pairs) - spare)} sessions started")
        for i, (fault, delay) in enumerate(rounds, 1):
            h.forget_ended()
            h.start(len(h.pairs) - spare - len(h.active))
            stopped = h.stop_some(0.2)
            time.sleep(delay)
            log(f"fault {i}/{len(rounds)}: {fault} ({len(h.active)} sessions running, {len(stopped)} stopping)")
            what = fl.FAULTS[fault](h)
            stopped += h.fault_stopped
            h.fault_stopped = []
            over = time.time()
            rec = h.recovery(over, 180)
            left = h.settled(stopped + h.probe_orders[-1:], 120)
            wait_quiet(h.txlog.out, 3, 30)
            found, counts = invariants.check(stack, h.txlog.ended(), h.charging())
            violations = {k: v for k, v in found.items() if v}
            broken += sum(len(v) for v in violations.values())
            if rec is None:
                broken += 1  # not recovered: counted as a violation of its own
                violations["recovered (a new session charges) within 180 s"] = [fault]
            rows.append({"n": i, "fault": fault, "what": what, "delay_s": delay, "recovery_s": rec,
                         "stopped": len(stopped), "stopped_not_settled_in_120_s": left, "counts": counts,
                         "violations": violations})
            log(f"  {what}; recovery {rec} s; stopped {len(stopped)}, not settled {len(left)}; {counts}; "
                f"violations {violations or 'none'}")
            for undo in h.after_round:
                undo()
            h.after_round = []
        # The end: every session stopped and settled, the invariants once more.
        h.forget_ended()
        final_ids = h.stop_some(1.0)
        left = h.settled(final_ids, 180)
        wait_quiet(h.txlog.out, 3, 30)
        found, counts = invariants.check(stack, h.txlog.ended(), h.charging())
        violations = {k: v for k, v in found.items() if v}
        broken += sum(len(v) for v in violations.values())
        rows.append({"n": "end", "fault": "all sessions stopped", "what": "", "recovery_s": None,
                     "stopped": len(final_ids), "stopped_not_settled_in_120_s": left, "counts": counts,
                     "violations": violations})
        log(f"end: {counts}; violations {violations or 'none'}")
    finally:
        if getattr(h, "txlog", None):
            h.txlog.stop()
        if getattr(h, "proxy", None):
            h.proxy.close()
        stack.close()
    doc["violations"] = broken
    name = f"faults-{datetime.date.today().isoformat()}-{socket.gethostname()}{'-smoke' if args.smoke else ''}"
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(out_dir, name + ".md"), "w") as f:
        f.write(report(doc))
    log(f"wrote {os.path.join(out_dir, name)}.{{json,md}}; {broken} violations")
    return 1 if broken else 0


def report(doc):
    lines = [f"# Kilowatt faults {doc['started_at']}", "",
             f"{doc['chargers']} chargers x 2 connectors, MariaDB, two instances in cluster mode; "
             f"server flags {' '.join(doc['server_flags'])}.", "",
             "| # | fault | what | recovery (s) | stopped / not settled | orders settled / active | ended events | violations |",
             "|---|---|---|---|---|---|---|---|"]
    for r in doc["rounds"]:
        c = r.get("counts", {})
        v = "; ".join(f"{k}: {len(x)} ({', '.join(map(str, x[:3]))})" for k, x in r.get("violations", {}).items())
        lines.append(f"| {r['n']} | {r['fault']} | {r['what']} | {r['recovery_s'] if r['recovery_s'] is not None else '—'} | "
                     f"{r.get('stopped', '')} / {len(r.get('stopped_not_settled_in_120_s', []))} | "
                     f"{c.get('settled', '')} / {c.get('active', '')} | {c.get('ended events', '')} | {v or '0'} |")
    lines += ["", f"Violations in all: {doc['violations']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
