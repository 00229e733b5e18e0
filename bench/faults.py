#!/usr/bin/env python3
"""Kilowatt fault harness: `make faults` (see bench/README.md, "Faults").

  python3 bench/faults.py --build-dir build [-n 500] [--faults all|kill-one,broker-restart,...] [--random 10]
                           [--ocpp-share 0.33] [--ocpp-version ocpp2.0.1]
  python3 bench/faults.py --smoke --build-dir build --out /tmp/x      # ctest FaultsSmoke

On MariaDB with two server instances in cluster mode (the broker behind a TCP proxy the harness
controls), N simulated chargers with two connectors each and a session on every connector (meter
every 2 s), a share of them (--ocpp-share, a third by default, at least one) OCPP 1.6J charge points
(or 2.0.1 stations: --ocpp-version ocpp2.0.1) behind one OCPP edge (kilowatt-ocpp), the rest kw-mqtt/1, it injects each fault in turn, then
--random more in random order with random delays.
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
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kwbench import faults as fl, invariants, procstat, provision, stack as stk  # noqa: E402
from kwbench.wswatch import Watchers  # noqa: E402
from kwbench.netcut import NetCut  # noqa: E402
from kwbench.txlog import TxLog, wait_quiet  # noqa: E402

CLUSTER = ["--server.cluster=true"]
DRIVER_PASSWORD = "Bench-pass1"


class Harness:
    def __init__(self, args, log):
        self.args, self.log = args, log
        self.rng = random.Random(args.seed)
        self.outage_s, self.cut_s = (5, 3) if args.smoke else (30, 10)
        self.lost_tokens = set()  # tokens an empty Redis lost (a 401 for any other is a violation)
        self.logouts = []  # tokens refused (401) although Redis kept them, this round
        self.refusals = {}  # what the API answered the last recovery probe
        self.skew_hold_s = 10 if args.smoke else 30
        self.edge_pause_s = 3 if args.smoke else 5  # edge-crash: kill -9, back this much later
        self.after_round = []    # what a fault puts back once its round is measured (e.g. the clocks)
        self.fault_stopped = []  # orders a fault stopped itself: settled and checked with the round's
        self.active = {}  # order id -> (driver, (charger, connector))
        self.scheduled = {}  # schedule id -> (driver, (charger, connector)) until it fires or fails
        self.probes, self.probe_orders = [], []  # drivers and orders of the recovery probes
        self.spares = {}  # protocol -> the connector kept for its recovery probe
        self.recoveries = {}  # protocol -> seconds (None: not within the timeout), this round

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
                    if token not in self.lost_tokens:
                        self.logouts.append(driver["id"] if driver else "admin")
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
        taken = list(self.active.values()) + list(self.scheduled.values())
        busy_drivers = {d["id"] for d, _ in taken}
        busy_pairs = {pair for _, pair in taken}
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
                self.ws.watch(driver, out["id"])
                started += 1
        return started

    def schedule(self, n):
        """n sessions scheduled through the API to start 1-15 s from now (so they fall due around the
        fault), on free connectors."""
        drivers, pairs = self.free()
        self.rng.shuffle(pairs)
        made = 0
        for driver, pair in zip(drivers, pairs[:n]):
            at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=self.rng.uniform(1, 15))
            body = {"charger_code": pair[0], "connector": pair[1],
                    "start_at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
            status, out = self.call("POST", "/api/v1/schedules", body, driver)
            if status == 201:
                self.scheduled[out["id"]] = (driver, pair)
                made += 1
        return made

    def collect_fired(self):
        """Schedules that fired become running sessions; failed ones free their driver and connector."""
        for sid, state, oid in invariants.schedules(self.stack, list(self.scheduled)):
            if state in ("fired", "failed", "cancelled"):
                driver, pair = self.scheduled.pop(sid)
                if state == "fired" and oid:
                    self.active[oid] = (driver, pair)
                    self.ws.watch(driver, oid)

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
        """Seconds from the fault's end until a new session charges on a charger of each protocol in
        the mix, the slowest (None: one did not within timeout); self.recoveries has each. One probe
        per protocol, at the same time, each by its own driver on the connector kept for it."""
        self.recoveries, self.refusals = {}, {}
        deadline = time.time() + timeout

        def one(protocol, pair, driver):
            self.recoveries[protocol] = self.probe(protocol, driver, pair, t_fault_over, deadline)
        threads = [threading.Thread(target=one, args=(protocol, pair, driver), daemon=True)
                   for (protocol, pair), driver in zip(sorted(self.spares.items()), self.probes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = [self.recoveries.get(p) for p in self.spares]
        return None if None in took else max(took)

    def probe(self, protocol, driver, pair, t_fault_over, deadline):
        """Seconds from the fault's end until a new session by driver (kept for this: no session of
        theirs is stopping) charges on pair (kept for the probes), None if not by deadline; the probe
        session is stopped again at once. self.refusals counts what the API answered meanwhile."""
        while time.time() < deadline:
            status, out = self.call("POST", "/api/v1/orders", {"charger_code": pair[0], "connector": pair[1]}, driver)
            if status != 201:  # what the probe was told meanwhile, for the report
                key = f"{status} {(out or {}).get('code', '') if isinstance(out, dict) else ''}".strip()
                key = f"{key} ({protocol})" if len(self.spares) > 1 else key
                self.refusals[key] = self.refusals.get(key, 0) + 1
            if status == 201:
                oid = out["id"]
                self.active[oid] = (driver, pair)
                self.ws.watch(driver, oid)
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
    ap.add_argument("--ocpp-share", type=float, default=0.33,
                    help="share of the chargers that are OCPP 1.6J stations behind kilowatt-ocpp (default 0.33, "
                         "at least one; 0: none, no edge, no edge-crash)")
    ap.add_argument("--ocpp-version", choices=["ocpp1.6", "ocpp2.0.1"], default="ocpp1.6",
                    help="what the OCPP share speaks (default ocpp1.6)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    n = args.chargers or (4 if args.smoke else 500)
    if not 0 <= args.ocpp_share <= 1:
        ap.error("--ocpp-share is a share: 0 to 1")
    # At least one of each protocol asked for (the smoke run's 4 chargers: 3 kw-mqtt/1, 1 OCPP).
    n_ocpp = 0 if args.ocpp_share == 0 else min(n, max(1, round(n * args.ocpp_share)))
    if 0 < n_ocpp == n and args.ocpp_share < 1:
        n_ocpp = n - 1
    if n < 2 and 0 < n_ocpp < n:
        ap.error("a mix of protocols needs 2 chargers or more")
    names = list(fl.FAULTS) if args.faults == "all" else [f.strip() for f in args.faults.split(",") if f.strip()]
    if not n_ocpp:
        if args.faults == "all":
            names.remove("edge-crash")  # nothing to crash
        elif "edge-crash" in names:
            ap.error("edge-crash needs OCPP chargers (--ocpp-share > 0)")
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
    # The shipped timeouts, but for the offline settlement (default 10 min: longer than a run), and
    # the meter interval the core sets on OCPP stations at boot (MeterValueSampleInterval; the
    # kw-mqtt/1 simulator's comes from its --meter-interval): every 2 s, as the others.
    flags = ["--orders.offline_settle_s=120", "--orders.meter_interval_s=2", "--log.level=info"]
    stack = stk.Stack(os.path.abspath(args.build_dir), db="mariadb", keep=args.keep, server_flags=flags,
                      redis_aof=True)
    h.stack = stack
    rows = []
    doc = {"started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                     "machine": procstat.machine(), "chargers": n, "ocpp_chargers": n_ocpp,
                     "ocpp_version": args.ocpp_version,
                     "smoke": args.smoke, "seed": args.seed,
                     "server_flags": flags, "rounds": rows}
    seen = set()  # (invariant, offender): a violation still there in later rounds counts once

    def new_ones(violations):
        fresh = {(k, str(x)) for k, v in violations.items() for x in v} - seen
        seen.update(fresh)
        return len(fresh)
    try:
        def proxy(s):
            h.proxy = NetCut(s.mqtt_port)
            s.server_mqtt_port = h.proxy.port
        log(f"starting Mosquitto, Redis, MariaDB, a TCP proxy and two kilowatt instances in {stack.dir}")
        stack.start(CLUSTER, before_server=proxy)
        stack.start_second_server(CLUSTER)
        h.fleet = provision.Fleet(stack, log)
        h.fleet.create_stations(max(1, n // 5))
        kw_creds, ocpp_creds = [], []
        if n - n_ocpp:
            h.fleet.create_chargers(n - n_ocpp, connectors=2)
            kw_creds = h.fleet.chargers
        ocpp_url = None
        if n_ocpp:
            ocpp_url = stack.start_ocpp()
            log(f"kilowatt-ocpp on {ocpp_url}")
            ocpp_creds = h.fleet.create_ocpp_chargers(n_ocpp, kind="AC", rated_w=7000, connectors=2,
                                                      protocol=args.ocpp_version)
        h.pairs = []
        for protocol, creds in (("kw-mqtt", kw_creds), ("ocpp", ocpp_creds)):
            if creds:
                pairs = [(c["code"], k) for c in creds for k in (1, 2)]
                # The recovery probe's own connector per protocol (no other session uses it, so a
                # probe is never refused because a stopped session there has not ended yet).
                h.pairs += pairs[:-1]
                h.spares[protocol] = pairs[-1]
        h.ocpp_codes = {c["code"] for c in ocpp_creds}
        h.drivers = provision.register_drivers(h.fleet, 2 * n + 2, 10_000_000)
        h.probes = h.drivers[-2:]
        # Watched: the probes (a session after every fault) and the first drivers.
        h.ws = Watchers(h.probes + h.drivers[:38], h.ports,
                        lambda: {oid: d["id"] for oid, (d, _) in list(h.active.items())})
        h.txlog = TxLog(stack)
        if kw_creds:
            stack.start_sims(kw_creds, meter_interval=2)
        if ocpp_creds:
            stack.start_sims(ocpp_creds, meter_interval=2, ocpp_url=ocpp_url, ocpp_version=args.ocpp_version)
        stk.wait_until(lambda: h.fleet.online() >= n, 120, "chargers online")
        log(f"{h.start(len(h.pairs))} sessions started ({n - n_ocpp} kw-mqtt/1 chargers, {n_ocpp} {args.ocpp_version})")
        per_round = max(1, n // 50)  # scheduled sessions falling due around each fault
        for i, (fault, delay) in enumerate(rounds, 1):
            h.collect_fired()
            h.forget_ended()
            h.start(len(h.pairs) - len(h.active) - len(h.scheduled) - per_round)
            h.schedule(per_round)
            stopped = h.stop_some(0.2)
            time.sleep(delay)
            log(f"fault {i}/{len(rounds)}: {fault} ({len(h.active)} sessions running, {len(stopped)} stopping)")
            what = fl.FAULTS[fault](h)
            stopped += h.fault_stopped
            h.fault_stopped = []
            over = time.time()
            rec = h.recovery(over, 180)
            left = h.settled(stopped + h.probe_orders[-len(h.spares):], 120)
            wait_quiet(h.txlog.out, 3, 30)
            found, counts = invariants.check(stack, h.txlog.ended(), h.charging(), h.ws)
            found["ended's start reading = started's"] = h.txlog.start_mismatch
            violations = {k: v for k, v in found.items() if v}
            if rec is None:  # not recovered: a violation of its own
                violations["recovered (a new session charges) within 180 s"] = [f"round {i}"]
            if h.logouts:  # Redis keeps logins in its append-only file: only an empty Redis loses them
                violations["no logout unless Redis lost its data"] = [f"round {i}: {x}" for x in h.logouts]
            h.logouts = []
            rows.append({"n": i, "fault": fault, "what": what, "delay_s": delay, "recovery_s": rec,
                         "recovery_by_protocol_s": h.recoveries,
                         "stopped": len(stopped), "stopped_not_settled_in_120_s": left, "counts": counts,
                         "probe_refused": h.refusals, "violations": violations, "new_violations": new_ones(violations)})
            log(f"  {what}; recovery {rec} s {h.recoveries} (probe refused: {h.refusals or 'never'}); stopped {len(stopped)}, not settled {len(left)}; {counts}; "
                f"violations {violations or 'none'}")
            for undo in h.after_round:
                undo()
            h.after_round = []
        # The end: every schedule due, every session stopped and settled, the invariants once more.
        def all_due():
            h.collect_fired()
            return not h.scheduled
        stk.wait_until(all_due, 150, "the last schedules to fire or fail", step=1)
        h.forget_ended()
        final_ids = h.stop_some(1.0)
        left = h.settled(final_ids, 180)
        wait_quiet(h.txlog.out, 3, 30)
        found, counts = invariants.check(stack, h.txlog.ended(), h.charging(), h.ws)
        found["ended's start reading = started's"] = h.txlog.start_mismatch
        violations = {k: v for k, v in found.items() if v}
        if h.logouts:
            violations["no logout unless Redis lost its data"] = [f"end: {x}" for x in h.logouts]
        rows.append({"n": "end", "fault": "all sessions stopped", "what": "", "recovery_s": None,
                     "stopped": len(final_ids), "stopped_not_settled_in_120_s": left, "counts": counts,
                     "violations": violations, "new_violations": new_ones(violations)})
        log(f"end: {counts}; violations {violations or 'none'}")
    finally:
        if getattr(h, "txlog", None):
            h.txlog.stop()
        if getattr(h, "ws", None):
            h.ws.stop()
        if getattr(h, "proxy", None):
            h.proxy.close()
        stack.close()
    broken = len(seen)
    doc["violations"] = broken
    name = f"faults-{datetime.date.today().isoformat()}-{socket.gethostname()}{'-smoke' if args.smoke else ''}"
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(out_dir, name + ".md"), "w") as f:
        f.write(report(doc))
    log(f"wrote {os.path.join(out_dir, name)}.{{json,md}}; {broken} violations")
    return 1 if broken else 0


def report(doc):
    n_ocpp = doc.get("ocpp_chargers", 0)
    version = {"ocpp1.6": "OCPP 1.6J", "ocpp2.0.1": "OCPP 2.0.1"}[doc.get("ocpp_version", "ocpp1.6")]
    mix = (f" ({doc['chargers'] - n_ocpp} kw-mqtt/1, {n_ocpp} {version} through one kilowatt-ocpp)" if n_ocpp
           else " (all kw-mqtt/1)")
    lines = [f"# Kilowatt faults {doc['started_at']}", "",
             f"{doc['chargers']} chargers x 2 connectors{mix}, MariaDB, two instances in cluster mode; "
             f"server flags {' '.join(doc['server_flags'])}.", "",
             "| # | fault | what | recovery (s)" + (" kw-mqtt / OCPP" if n_ocpp else "") + " | probe refused | stopped / not settled | orders settled / active | ended events | violations |",
             "|---|---|---|---|---|---|---|---|---|"]
    def recovery(r):
        if r["recovery_s"] is None and not r.get("recovery_by_protocol_s"):
            return "—"
        by = r.get("recovery_by_protocol_s") or {}
        if len(by) > 1:
            return " / ".join("—" if by.get(p) is None else str(by[p]) for p in ("kw-mqtt", "ocpp"))
        return str(r["recovery_s"]) if r["recovery_s"] is not None else "—"
    for r in doc["rounds"]:
        c = r.get("counts", {})
        v = "; ".join(f"{k}: {len(x)} ({', '.join(map(str, x[:3]))})" for k, x in r.get("violations", {}).items())
        refused = ", ".join(f"{k} ×{n}" for k, n in r.get("probe_refused", {}).items())
        lines.append(f"| {r['n']} | {r['fault']} | {r['what']} | {recovery(r)} | "
                     f"{refused} | "
                     f"{r.get('stopped', '')} / {len(r.get('stopped_not_settled_in_120_s', []))} | "
                     f"{c.get('settled', '')} / {c.get('active', '')} | {c.get('ended events', '')} | "
                     f"{r.get('new_violations', 0)}{f' new; found: {v}' if v else ''} |")
    end = doc["rounds"][-1].get("counts", {}) if doc["rounds"] else {}
    lines += ["", f"Violations in all (each offender counted once): {doc['violations']}. At the end: "
              + ", ".join(f"{k} {n}" for k, n in end.items()) + ".", ""]
    if n_ocpp:
        lines += [OCPP_NOTE, ""]
    return "\n".join(lines)


# What each fault means for the OCPP stations: every one applies; said in the report, as measured.
OCPP_NOTE = (
    "OCPP stations: every fault applies to them. broker-restart and edge-crash close every station's "
    "WebSocket (the edge drops a station whose broker link is lost; the stations reconnect without a "
    "BootNotification, and the edge's memory of their transactions is gone); net-cut leaves them and the "
    "edge connected (the edge talks to the broker directly); sim-crash is a power cut (a new "
    "BootNotification: the core closes their sessions at the last reading); clock-skew sets the simulated "
    "stations' clocks, which ignore the currentTime of the edge's answers (a real station sets its clock "
    "from them, so it would be right again after its next Heartbeat). Their tx events (the ground truth "
    "of the invariants) are the edge's copies of the stations' StartTransaction meterStart and "
    "StopTransaction meterStop.")


if __name__ == "__main__":
    sys.exit(main())
