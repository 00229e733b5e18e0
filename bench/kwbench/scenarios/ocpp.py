"""ocpp: K OCPP 1.6J charge points (default 1,000, at most N) against the OCPP edge kilowatt-ocpp,
each one played by an ocpp-rpc client (bench/tools/ocpp_load.mjs, one Node process, strict schema
validation both ways) with its own HTTP Basic login: the edge connects to the broker as that
station, the broker checks the password, the core answers over MQTT. Every station at once:
BootNotification, StatusNotification (connectors 0 and 1), then 3 x (Authorize with its RFID card,
StartTransaction, 3 x MeterValues, StopTransaction). One driver per station (a card's driver has one
session at a time), registered and topped up as in ingest, one card each.
Measured: calls/s over the calls' span (first call sent to last answer), p50/p99/max per call kind,
failures (a CALLERROR, a timeout, an idTagInfo other than Accepted: must be 0), the CPU of every
process; then every bill through the API: each order settled with energy = meterStop - meterStart
and the flat tariff's amounts. No baseline: the target is absolute (5,000 calls/s, 50x CitrineOS's
~100 calls/s on this kind of machine; p99 < 50 ms). The stations run twice: first each sends its
next call as soon as the last is answered (the rate; k stations keep up to k calls outstanding, so
latency there is k / rate), once with the Node generator and once with the C++ one
(kw-bench-ocpp-load, bench/tools/ocpp_load.cpp: the same script at a fraction of the CPU, no schema
validation), then, with the C++ one, each paces its calls, once per rate of ocpp_paced_rates (at most that
many calls/s offered in all, the stations' first calls spread over one script's length so they are out
of step): the latency at a given load, and the highest of those rates served with p99 < 50 ms."""
import json
import os
import shutil
import subprocess
import threading
import time

from .. import procstat, provision
from ..meterflood import metrics
from .sessions import fee

TARGET_CALLS_PER_S, TARGET_P99_MS = 5000, 50
METER_VALUES, STEP_WH = 3, 100  # per session: 3 readings, +100 Wh each (360 kW never refuses them)
KINDS = ["BootNotification", "StatusNotification", "Authorize", "StartTransaction", "MeterValues", "StopTransaction"]


class Probe(threading.Thread):
    """The server's own account of a run, when it has /metrics: the peak kw_device_queue_depth
    (every 0.25 s) and, between start and stop, each device handler kind's count and mean time,
    the device workers they kept busy, the time spent waiting for a pooled SQL connection and
    holding one, Redis round trips."""

    def __init__(self, ctx):
        super().__init__(daemon=True)
        self.ctx, self.peak, self.done = ctx, None, threading.Event()
        self.m0, self.t0 = metrics(ctx), time.time()

    def run(self):
        while not self.done.wait(0.25):
            depth = (metrics(self.ctx) or {}).get("kw_device_queue_depth")
            if depth is not None:
                self.peak = max(self.peak or 0, depth)

    def stop(self):
        self.done.set()
        self.join()
        m1, wall = metrics(self.ctx), time.time() - self.t0
        if not self.m0 or not m1:
            return None

        def d(key):
            return m1.get(key, 0) - self.m0.get(key, 0)

        handlers = {}
        for key in m1:
            if key.startswith("kw_device_handler_seconds_count{"):
                kind = key.split('kind="', 1)[1].split('"', 1)[0]
                n, busy = d(key), d(key.replace("_count{", "_sum{"))
                if n:
                    handlers[kind] = {"count": int(n), "mean_ms": round(1000 * busy / n, 2),
                                      "workers_busy": round(busy / wall, 2)}
        out = {"window_s": round(wall, 2), "device_queue_peak": self.peak, "handlers": handlers,
               "workers_busy": round(sum(h["workers_busy"] for h in handlers.values()), 2)}
        series = [("sql_wait_seconds", "kw_sql_wait_seconds", '{pool="write"}'),
                  ("sql_session_seconds", "kw_sql_session_seconds", '{pool="write"}'),
                  ("sql_read_wait_seconds", "kw_sql_wait_seconds", '{pool="read"}'),
                  ("sql_read_session_seconds", "kw_sql_session_seconds", '{pool="read"}'),
                  ("redis_command_seconds", "kw_redis_command_seconds", "")]
        for key, name, labels in series:
            n, total = d(name + "_count" + labels), d(name + "_sum" + labels)
            out[key] = {"count": int(n), "sum_s": round(total, 2), "mean_ms": round(1000 * total / n, 3) if n else None}
        return out


class LoadGenerator:
    """A load generator running: bench/tools/ocpp_load.mjs (generator "node": ocpp-rpc, strict schema
    validation) or kw-bench-ocpp-load (generator "cpp": the same script and result, a fraction of the
    CPU). Started and waited for until its stations are connected ("ready"); go() starts the calls,
    wait_done() until the last answer, finish() -> its result."""

    def __init__(self, ctx, config, out, generator="node"):
        if generator == "cpp":
            argv = [ctx.tool("kw-bench-ocpp-load")]
        else:
            node = shutil.which("node")
            if not node:
                raise RuntimeError("node not found (the OCPP load generator is a Node script; ocpp-rpc from web/)")
            argv = [node, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                       "tools", "ocpp_load.mjs")]
        self.out = out
        self.proc = subprocess.Popen(argv + ["--config", config, "--out", out], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines, self.ready, self.done = [], threading.Event(), threading.Event()
        self.log = ctx.log
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            line = line.rstrip()
            self.lines.append(line)
            if line.startswith("connected"):
                self.log(f"    {line}")
            if line.startswith("ready"):
                self.ready.set()
            if line.startswith("done"):
                self.done.set()
        self.ready.set()  # it exited: the caller sees why
        self.done.set()

    def _check(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"ocpp_load.mjs exited ({self.proc.returncode}): {self.lines[-5:]}")

    def wait_ready(self, timeout):
        if not self.ready.wait(timeout):
            self.proc.kill()
            raise RuntimeError(f"ocpp_load.mjs: stations not connected in {timeout} s: {self.lines[-5:]}")
        self._check()

    def go(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def wait_done(self, timeout):
        if not self.done.wait(timeout):
            self.proc.kill()
            raise RuntimeError(f"ocpp_load.mjs: calls not done in {timeout} s: {self.lines[-5:]}")
        self._check()

    def cpu(self):
        return procstat.cpu_rss(self.proc.pid)[0]

    def finish(self):
        self.proc.stdin.close()
        self.proc.wait(60)
        if self.proc.returncode != 0 or not os.path.exists(self.out):
            raise RuntimeError(f"ocpp_load.mjs failed ({self.proc.returncode}): {self.lines[-5:]}")
        with open(self.out) as f:
            return json.load(f)


def find_orders(ctx, sessions, token_of):
    """An OCPP 2.0.1 session's order is not in any answer the station gets (its transactionId is its
    own): found among its driver's orders by its start reading (unique per station and phase)."""
    api, mine = provision.Api(ctx.fleet.port), {}
    for s in sessions:
        if s.get("transaction_id") is None:
            mine.setdefault(s["uid"], []).append(s)
    for uid, own in mine.items():
        page = api.expect(200, "GET", "/api/v1/orders?page_size=100", token=token_of[uid])
        by_start = {o.get("meter_start_wh"): o["id"] for o in page["items"]}
        for s in own:
            s["transaction_id"] = by_start.get(s["meter_start"], 0)


def check_bills(ctx, sessions, token_of):
    """Every session's order settled, energy = meterStop - meterStart, meter_start_wh = meterStart,
    amounts = the flat tariff (1.00 + 0.50 yuan/kWh) on that energy. Polls until settled (the
    StopTransaction answer says the stop is stored; settlement may follow)."""
    deadline = time.time() + ctx.p["online_timeout_s"]
    if any(s.get("transaction_id") is None for s in sessions):
        find_orders(ctx, sessions, token_of)

    def read(api, s):
        return api.expect(200, "GET", f"/api/v1/orders/{s['transaction_id']}", token=token_of[s["uid"]])

    read.api_factory = lambda: provision.Api(ctx.fleet.port)
    pending, got = list(sessions), {}
    while pending and time.time() < deadline:
        still = []
        for s, o in zip(pending, provision.parallel(pending, read, 4)):
            if o["state"] in ("settled", "cancelled"):
                got[s["transaction_id"]] = o
            else:
                still.append(s)
        pending = still
        if pending:
            time.sleep(0.5)
    exact, wrong = 0, []
    for s in sessions:
        o = got.get(s["transaction_id"])
        wh = s["meter_stop"] - s["meter_start"]
        if o and o["state"] == "settled" and o["energy_wh"] == wh and o.get("meter_start_wh") == s["meter_start"] \
                and o["electricity_fen"] == fee(wh, 10000) and o["service_fen"] == fee(wh, 5000):
            exact += 1
        else:
            wrong.append({"order": s["transaction_id"], "code": s["code"], "expected_wh": wh,
                          "state": o and o["state"], "energy_wh": o and o["energy_wh"],
                          "meter_start_wh": o and o.get("meter_start_wh"),
                          "electricity_fen": o and o["electricity_fen"], "service_fen": o and o["service_fen"]})
    return {"exact": exact, "orders": len(sessions), "not_settled": len(pending), "wrong": wrong[:20]}


def one_phase(ctx, tag, url, creds, drivers, interval_s=None, meter_start_wh=10000, generator="node",
              version="ocpp1.6"):
    """One load generator run: connect, then every station's script at once (closed loop, or paced
    by interval_s). Returns (its result, CPU of every process from "go" to the last answer)."""
    p, stack = ctx.p, ctx.stack
    config, out = stack.path(f"ocpp-stations-{tag}.json"), stack.path(f"ocpp-result-{tag}.json")
    with open(os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump({"url": url, "cycles": p["ocpp_cycles"], "meter_values": METER_VALUES, "meter_step_wh": STEP_WH,
                   "ramp": p["ocpp_ramp"], "call_timeout_ms": 30000, "interval_s": interval_s,
                   # paced: the stations' first calls spread over one script's length (not in step)
                   "stagger": per_station(p, version) if interval_s else 1,
                   "meter_start_wh": meter_start_wh, "version": version,
                   "stations": [{"code": c["code"], "password": c["password"], "uid": d["card"]}
                                for c, d in zip(creds, drivers)]}, f)
    k = len(creds)
    ctx.log(f"  {tag}: {k} stations connecting, {p['ocpp_ramp']} at a time")
    t0 = time.time()
    gen = LoadGenerator(ctx, config, out, generator)
    gen.wait_ready(p["online_timeout_s"] + 60)
    connect_s = time.time() - t0
    how = f"each station's calls {interval_s} s apart, the first at random within {per_station(p, version)} intervals " \
          f"(at most {k / interval_s:,.0f} calls/s offered)" if interval_s \
        else "each station's next call as soon as the last is answered"
    n = per_station(p, version)
    ctx.log(f"  {tag}: every station at once, {n} calls each ({k * n:,} in all), {how}")
    probe = Probe(ctx)
    probe.start()
    snap, gen_cpu0, t_go = ctx.meter.take(), gen.cpu(), time.time()
    gen.go()
    gen.wait_done(p["online_timeout_s"] + 600)
    wall = max(0.001, time.time() - t_go)
    server = probe.stop()
    cpu = ctx.meter.delta(snap, ctx.meter.take(), wall)
    gen_cpu = round((gen.cpu() or 0) - (gen_cpu0 or 0), 2)
    # "load generators": the Node process (from "go" to its last answer), not getrusage's children.
    cpu["load generators"] = {"cpu_s": gen_cpu, "cpu_pct": round(100 * gen_cpu / wall, 1), "rss_mb": None}
    res = gen.finish()
    res["connect_wall_s"], res["cpu_window_s"], res["loadavg_after"] = round(connect_s, 1), round(wall, 2), \
        procstat.loadavg()
    res["server"] = server
    ctx.log(f"    {res['calls']:,}/{res['calls_expected']:,} calls in {res['span_s']} s ({res['calls_per_s']:,}/s); "
            f"p50 {res['all']['p50_ms']} ms, p99 {res['all']['p99_ms']} ms, max {res['all']['max_ms']} ms; "
            f"failures {res['failures']} {res['failure_reasons'] or ''}")
    ctx.log("    CPU: " + ", ".join(f"{name} {v['cpu_pct']} %" for name, v in cpu.items() if v["cpu_s"]))
    if server:
        ctx.log(f"    server: device queue peak {server['device_queue_peak']}, device workers busy "
                f"{server['workers_busy']} (" + ", ".join(f"{k2} {h['count']} x {h['mean_ms']} ms"
                                                          for k2, h in server["handlers"].items()) +
                f"); SQL writer: waiting {server['sql_wait_seconds']['sum_s']} s, held "
                f"{server['sql_session_seconds']['sum_s']} s ({server['sql_session_seconds']['count']:,} x "
                f"{server['sql_session_seconds']['mean_ms']} ms); SQL reads: waiting "
                f"{server['sql_read_wait_seconds']['sum_s']} s, held {server['sql_read_session_seconds']['sum_s']} s "
                f"({server['sql_read_session_seconds']['count']:,}); Redis {server['redis_command_seconds']['sum_s']} s "
                f"({server['redis_command_seconds']['count']:,})")
    return res, cpu


def per_station(p, version="ocpp1.6"):
    return (2 if version == "ocpp2.0.1" else 3) + p["ocpp_cycles"] * (3 + METER_VALUES)


def kind_rows(res, label, kinds=KINDS):
    rows = []
    for kind in kinds:
        s = res["kinds"][kind]
        rows.append({"figure": f"{kind} p50 / p99 / max, {label} ({s['count']:,} calls)",
                     "value": f"{s['p50_ms']} / {s['p99_ms']} / {s['max_ms']}", "unit": "ms"})
    return rows


def run(ctx):
    p, fleet, stack = ctx.p, ctx.fleet, ctx.stack
    k = min(p["ocpp_stations"], len(fleet.chargers))
    url = stack.start_ocpp()
    ctx.log(f"  kilowatt-ocpp on {url}; {k} OCPP chargers (DC, 360 kW), {k} drivers with a card each")
    creds = fleet.create_ocpp_chargers(k)
    drivers = provision.register_drivers(fleet, k, 1_000_000, offset=20_000_000)
    provision.issue_cards(fleet, drivers)

    # As fast as they are answered (the rate), then paced below it (the latency at a given load).
    # The closed loop twice: with the Node generator (ocpp-rpc, strict schema validation of every
    # frame both ways) and with the C++ one (the same script; a fraction of the CPU, which the stack
    # shares); the paced phases with the C++ one. Each phase's registers start above the last one's
    # end (a station's register never goes back).
    fast, cpu = one_phase(ctx, "closed loop", url, creds, drivers)
    fast_cpp, cpu_cpp = one_phase(ctx, "closed loop, C++ generator", url, creds, drivers, meter_start_wh=500_000,
                                  generator="cpp")
    phases = [one_phase(ctx, f"paced {rate}", url, creds, drivers, interval_s=round(k / rate, 3),
                        meter_start_wh=1_000_000 * (i + 1), generator="cpp")
              for i, rate in enumerate(p["ocpp_paced_rates"])]
    paced, paced_cpu = phases[0]

    sessions = fast["sessions"] + fast_cpp["sessions"] + [s for res, _ in phases for s in res["sessions"]]
    bills = check_bills(ctx, sessions, {d["card"]: d["token"] for d in drivers})
    expected_orders = (2 + len(phases)) * k * p["ocpp_cycles"]
    ctx.log(f"  bills exact: {bills['exact']}/{expected_orders} ({bills['not_settled']} not settled)")
    try:  # the edge runs at --log-level warn: every line but the banner is a warning or an error
        edge_lines = [line for line in open(stack.ocpp.log, errors="replace").read().splitlines()
                      if "listening on" not in line]
    except OSError:
        edge_lines = None

    rate = fast["calls_per_s"] or 0
    failures = fast["failures"] + fast_cpp["failures"] + sum(res["failures"] for res, _ in phases)
    # A failure is the server's to explain: its warnings and errors go into the result (the stack's
    # directory, logs included, is deleted unless --keep).
    server_log = []
    if failures:
        try:
            server_log = [line for line in open(stack.path("kilowatt.log"), errors="replace").read().splitlines()
                          if " warning " in line or " error " in line][:50]
        except OSError:
            pass
    within = [res for res, _ in phases if res["all"]["p99_ms"] is not None and res["all"]["p99_ms"] < TARGET_P99_MS
              and res["failures"] == 0]
    # A paced phase's rate is the one offered: its span also holds the stagger of the stations' first
    # calls (one script's length), so calls over the whole span count about half of it.
    best = max(within, key=lambda res: res["offered_per_s"] or 0, default=None)
    rows = [{"figure": f"OCPP calls/s, {k:,} stations at once, each call as soon as the last is answered "
                       f"({per_station(p)} calls each; one edge thread; {name} generator)",
             "value": round(r), "unit": "calls/s", "target": f">= {TARGET_CALLS_PER_S:,} (50x CitrineOS)",
             "met": r >= TARGET_CALLS_PER_S}
            for name, r in (("Node", rate), ("C++", fast_cpp["calls_per_s"] or 0))]
    rows.append({"figure": f"OCPP calls/s served with p99 < {TARGET_P99_MS} ms (the highest paced rate below that "
                           f"did; rates offered: {', '.join(f'{r:,}' for r in p['ocpp_paced_rates'])})",
                 "value": round(best["offered_per_s"] or 0) if best else 0, "unit": "calls/s offered",
                 "target": f">= {TARGET_CALLS_PER_S:,}",
                 "met": bool(best) and (best["offered_per_s"] or 0) >= TARGET_CALLS_PER_S})
    for res, label in [(fast, "as fast as answered, Node generator"), (fast_cpp, "as fast as answered, C++ generator")] + [
            (res, f"paced (C++ generator), at most {res['offered_per_s']:,.0f} calls/s offered (stations out of step; "
                  f"{res['calls_per_s'] or 0:,.0f}/s over the whole span)") for res, _ in phases]:
        p99 = res["all"]["p99_ms"]
        rows.append({"figure": f"all calls p50 / p99 / max, {label}",
                     "value": f"{res['all']['p50_ms']} / {p99} / {res['all']['max_ms']}", "unit": "ms",
                     "target": f"p99 < {TARGET_P99_MS} ms", "met": p99 is not None and p99 < TARGET_P99_MS})
    rows += kind_rows(fast, "as fast as answered") + kind_rows(paced, f"paced at {paced['offered_per_s']:,.0f}/s")
    rows.append({"figure": "failures (CALLERROR, timeout, not Accepted), every run", "value": failures,
                 "target": "0", "met": failures == 0})
    rows.append({"figure": "orders settled, energy = meterStop - meterStart, amounts exact",
                 "value": f"{bills['exact']}/{expected_orders}", "target": "all",
                 "met": bills["exact"] == expected_orders})
    strip = ("sessions",)
    detail = {"closed_loop": {k2: v for k2, v in fast.items() if k2 not in strip},
              "closed_loop_cpp": {k2: v for k2, v in fast_cpp.items() if k2 not in strip}, "closed_loop_cpp_cpu": cpu_cpp,
              "paced": {k2: v for k2, v in paced.items() if k2 not in strip}, "paced_cpu": paced_cpu,
              "paced_rates": [{"rate": rate, "cpu": cpu2, **{k2: v for k2, v in res.items() if k2 not in strip}}
                              for rate, (res, cpu2) in zip(p["ocpp_paced_rates"], phases)],
              "bills": bills, "edge_log_lines": None if edge_lines is None else len(edge_lines),
              "server_log_on_failure": server_log,
              "edge_log_sample": (edge_lines or [])[:10]}
    # The report's CPU table: the closed loop (the rate).
    return {"figures": rows, "detail": detail, "cpu": cpu, "stations": k}
