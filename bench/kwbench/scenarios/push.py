"""push: K WebSocket clients (default 1,000, at most one per charger), each subscribed to one
connector channel `connector:<code>:1` with an admin token (one ticket per connection, as a
browser), and kw-bench-mqtt-flood publishing the simulator's meter messages as those K chargers at
a paced total rate (1,000 then 5,000 msg/s): every publish reaches exactly one client. Measured:
charger publish -> WebSocket receive latency p50/p99/max (the meter event's data.at is the
flood's own "ts", taken just before it publishes, same machine and clock, whole milliseconds:
up to 1 ms high), pushes received vs published (a lost push is a finding), the CPU of every process.
A meter sample is pushed to its connector channel with or without a session
(service/charger_meter.cpp), so the chargers need no session; the ones with no running session
are chosen first (a session's reading goes through the billing path too, and a reading the
session refuses is not pushed). No baseline: the target is absolute (p99 < 20 ms at 5k msg/s)."""
import json
import os
import subprocess
import threading
import time

from .. import baselines, procstat
from . import ingest

TARGET_RATE, TARGET_P99_MS = 5000, 20
IDLE_S = 3  # the clients stop this long after the last push: the server's backlog drained


def pick_chargers(ctx, k, exclude=()):
    """k chargers, those without a session first: neither the api scenario's first charger nor
    ingest's, and none whose simulator reports a transaction; never a code in `exclude` (chargers
    another flood speaks as). Returns [(charger, sim status)]."""
    status = {}
    for sim in ctx.stack.sims:
        for c in ctx.stack.sim_control(sim, "status")["chargers"]:
            status[c["code"]] = c["connectors"][0]
    busy = {c["code"] for c in getattr(ctx, "ingest_chargers", [])} | {ctx.fleet.chargers[0]["code"]}
    ranked = sorted((c for c in ctx.fleet.chargers if c["code"] not in exclude),
                    key=lambda c: (c["code"] in busy or bool(status.get(c["code"], {}).get("tx_id")), c["code"]))
    return [(c, status.get(c["code"], {})) for c in ranked[:k]]


def write_flood_csv(path, picked):
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write("code,password,tx_id,energy_wh,power_w\n")
        for ch, st in picked:
            out.write(f"{ch['code']},{ch['password']},{st.get('tx_id') or ''},{st.get('energy_wh') or 0},"
                      f"{ch['rated_w']}\n")


class Watch(threading.Thread):
    """From the flood's first publish (its ready file) until stop(): a CPU snapshot at the start
    and the peak of the server's queue gauges (GET /metrics, when the server has it)."""

    def __init__(self, ctx, ready_file, ws):
        super().__init__(daemon=True)
        self.ctx, self.ready_file, self.ws = ctx, ready_file, ws
        self.t0, self.snap, self.ws_cpu0, self.peak, self.metrics0 = time.time(), None, None, None, None
        self.done = threading.Event()

    def run(self):
        while not os.path.exists(self.ready_file) and not self.done.wait(0.005):
            pass
        self.t0, self.snap, self.ws_cpu0 = time.time(), self.ctx.meter.take(), self.ws.cpu()
        self.metrics0 = ingest.metrics(self.ctx)
        while not self.done.wait(0.25):
            q = ingest.queue_series(ingest.metrics(self.ctx))
            if q:
                self.peak = {name: max(v, (self.peak or {}).get(name, 0)) for name, v in q.items()}

    def stop(self):
        self.done.set()
        self.join()
        if self.snap is None:
            raise RuntimeError("kw-bench-mqtt-flood never started publishing")


class Listener:
    """kw-bench-ws-latency running: started, waited for until every client is subscribed; result()
    once it stopped by itself (idle after the flood)."""

    def __init__(self, ctx, channels_file, clients, seconds, ports):
        env = dict(os.environ, KW_BENCH_TOKEN=ctx.fleet.token)
        self.proc = subprocess.Popen(
            [ctx.tool("kw-bench-ws-latency"), "--port", ",".join(map(str, ports)), "--channels", channels_file,
             "--seconds", str(seconds), "--idle", str(IDLE_S), "--ready-timeout", str(ctx.p["online_timeout_s"])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.ready = threading.Event()
        self.lines = []
        threading.Thread(target=self._read_stderr, daemon=True).start()
        if not self.ready.wait(ctx.p["online_timeout_s"] + 30):
            self.proc.kill()
            raise RuntimeError(f"kw-bench-ws-latency: {clients} clients not subscribed in time: {self.lines[-5:]}")
        if self.proc.poll() is not None:
            raise RuntimeError(f"kw-bench-ws-latency exited ({self.proc.returncode}): {self.lines[-5:]}")

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip())
            if line.startswith("ready"):
                self.ready.set()
        self.ready.set()  # it exited: the caller sees the error in result()

    def cpu(self):
        return procstat.cpu_rss(self.proc.pid)[0]

    def result(self, drain_s):
        """Its summary once it stopped by itself (IDLE_S without a push after the flood: the server's
        backlog drained), or after drain_s, when closing its stdin stops it."""
        try:
            self.proc.wait(drain_s)
        except subprocess.TimeoutExpired:
            self.proc.stdin.close()
            self.proc.wait(30)
        out = self.proc.stdout.read()
        if self.proc.returncode != 0 or not out.strip():
            raise RuntimeError(f"kw-bench-ws-latency failed ({self.proc.returncode}): {self.lines[-5:]}")
        return json.loads(out.strip().splitlines()[-1])


def prepare(ctx, k, exclude=(), tag=""):
    """Picks k chargers, lets the simulator go of them (the flood connects as them, as in ingest) and
    writes the clients' channel file and the flood's CSV. Returns (picked, channels, flood_csv)."""
    picked = pick_chargers(ctx, k, exclude)
    ctx.stack.stop_sims()
    channels = ctx.stack.path(f"push-channels{tag}.txt")
    with open(channels, "w") as f:
        f.write("".join(f"connector:{ch['code']}:1\n" for ch, _ in picked))
    flood_csv = ctx.stack.path(f"push-flood{tag}.csv")
    write_flood_csv(flood_csv, picked)
    return picked, channels, flood_csv


def carry_on(picked, r, flood_csv):
    """The next flood goes on from the registers this one left (monotonic for a session's check)."""
    with open(r["final"]) as fin:
        last_wh = dict(line.strip().split(",") for line in list(fin)[1:])
    picked = [(ch, dict(st, energy_wh=last_wh.get(ch["code"], st.get("energy_wh")))) for ch, st in picked]
    write_flood_csv(flood_csv, picked)
    return picked


def run(ctx):
    p = ctx.p
    ctx.ensure_online()
    k = min(p["push_clients"], len(ctx.fleet.chargers))
    picked, channels, flood_csv = prepare(ctx, k)
    with_session = sum(1 for _, st in picked if st.get("tx_id"))

    rows, detail = [], {"clients": k, "chargers_with_session": with_session, "rates": {}}
    for rate in p["push_rates"]:
        r = one_rate(ctx, rate, k, channels, flood_csv)
        detail["rates"][str(rate)] = r
        res, fl = r["ws"], r["flood"]
        rows.append({"figure": f"publish -> WebSocket p50 / p99 / max at {rate:,} msg/s "
                               f"(achieved {fl['rate']:,.0f}/s, {k:,} clients)",
                     "value": f"{res['p50_ms']:.1f} / {res['p99_ms']:.1f} / {res['max_ms']:.1f}", "unit": "ms"})
        rows.append({"figure": f"pushes received / published at {rate:,} msg/s",
                     "value": f"{res['received']}/{fl['sent']}", "target": "all",
                     "met": r["lost"] == 0 and res["errors"] == 0})
        if rate == TARGET_RATE:
            rows.append({"figure": f"p99 at {rate:,} msg/s", "value": round(res["p99_ms"], 1), "unit": "ms",
                         "target": f"< {TARGET_P99_MS} ms", "met": res["p99_ms"] < TARGET_P99_MS})
        picked = carry_on(picked, r, flood_csv)
    # The report's CPU table: the highest rate.
    return {"figures": rows, "detail": detail, "cpu": r["cpu"], "clients": k}


def meter_handlers(m0, m1, wall):
    """From two GET /metrics reads: meter samples handled, their mean handler time, and how many
    device workers that kept busy on average (server.device_workers of them exist)."""
    if not m0 or not m1:
        return None

    def delta(prefix):
        key = next((k for k in m1 if k.startswith(prefix) and 'kind="meter"' in k), None)
        return m1[key] - m0.get(key, 0) if key else 0

    n, busy_s = delta("kw_device_handler_seconds_count"), delta("kw_device_handler_seconds_sum")
    return {"handled": int(n), "mean_ms": round(1000 * busy_s / n, 3) if n else None,
            "workers_busy": round(busy_s / wall, 2)}


def one_rate(ctx, rate, k, channels, flood_csv, ports=None, tag=""):
    """One paced flood at `rate`; the clients split evenly between `ports` (default: the first
    instance). Queue peaks and handler times are the first instance's."""
    stack, seconds = ctx.stack, ctx.p["push_seconds"]
    ports = ports or [stack.http_port]
    ctx.log(f"  {k} WebSocket clients subscribing (one ticket each) on port(s) {ports}")
    t0 = time.time()
    ws = Listener(ctx, channels, k, seconds + 600, ports)
    ctx.log(f"    {ws.lines[-1] if ws.lines else 'ready'} ({time.time() - t0:.1f} s)")
    ctx.log(f"  flood: {k} chargers publishing {rate} msg/s for {seconds} s, QoS 0")
    ready, final = stack.path(f"push-flood-ready-{rate}{tag}"), stack.path(f"push-final-{rate}{tag}.csv")
    watch = Watch(ctx, ready, ws)
    watch.start()
    fl = baselines.flood(ctx, stack.mqtt_port, flood_csv, 0, seconds, rate=rate, final=final,
                         extra=["--ready-file", ready])
    res = ws.result(60)
    watch.stop()
    # CPU from the first publish until the last push arrived (the clients stop IDLE_S after it).
    # "load generators": the flood (all of it, its connections included: waited for in between)
    # and the WebSocket clients (from the first publish: their subscribing is subtracted).
    wall = max(0.001, time.time() - watch.t0 - IDLE_S)
    cpu = ctx.meter.delta(watch.snap, ctx.meter.take(), wall)
    ws_cpu = round(res["cpu_s"] - (watch.ws_cpu0 or 0), 2)
    if "load generators" in cpu:
        gen = cpu["load generators"]
        gen["cpu_s"] = round(gen["cpu_s"] - (watch.ws_cpu0 or 0), 2)
        gen["cpu_pct"] = round(100 * gen["cpu_s"] / wall, 1)
    handlers = meter_handlers(watch.metrics0, ingest.metrics(ctx), wall)
    lost = fl["sent"] - res["received"]
    # Whole-run counts (earlier scenarios included): non-zero is a lead, not this rate's result.
    try:
        log_text = open(stack.server.log, errors="replace").read()
        dropped, rejected = log_text.count("ws_slow_consumer_dropped"), log_text.count("event=mqtt_rejected")
    except OSError:  # the temp dir gone (removed from outside): the counts are unknown, not zero
        dropped = rejected = None
    ctx.log(f"    published {fl['sent']} ({fl['rate']:.0f}/s); received {res['received']} by "
            f"{k - res['silent_clients']}/{k} clients ({res['per_s']:.0f}/s); p50 {res['p50_ms']:.1f} ms, "
            f"p99 {res['p99_ms']:.1f} ms, max {res['max_ms']:.1f} ms; errors {res['errors']}; "
            f"server CPU {cpu['kilowatt']['cpu_pct']} % over {wall:.1f} s; queues peak {watch.peak}; "
            f"meter handlers {handlers}")
    return {"flood": fl, "ws": res, "lost": lost, "cpu": cpu, "cpu_window_s": round(wall, 2),
            "ws_clients_cpu_s": ws_cpu, "queues_peak": watch.peak, "meter_handlers": handlers, "final": final,
            "server_log_slow_consumers_dropped_so_far": dropped, "server_log_rejections_so_far": rejected}
