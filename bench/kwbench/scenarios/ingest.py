"""ingest: every charger with a session (drivers registered through the real API, balance by an
admin adjustment), meter every 1 s from kilowatt-sim; then kw-bench-mqtt-flood publishing the
same meter messages as fast as the broker takes them, as the chargers themselves. Baseline:
Mosquitto alone (a fresh broker, same config) delivering the same flood to kw-bench-mqtt-count,
QoS 0 and 1. Samples the server applied are counted from Redis: during a session each applied
sample writes two hashes, the connector's live values (live/state.cpp set_connector_meter) and the
running order (service/running.cpp running_update), and nothing else writes HSET while only meters
arrive. The bills of the flooded orders are checked against the flood's last register reading, which each
flooded charger sends in its "ended" event once the server has drained the flood."""

HSET_PER_SAMPLE = 2
import os
import re
import time

from .. import baselines, provision


def redis_commandstats(stack):
    """{command: calls} from INFO commandstats."""
    out = {}
    for m in re.finditer(r"^cmdstat_([a-z|]+):calls=(\d+)", stack.redis_cli("INFO", "commandstats"), re.M):
        out[m.group(1)] = int(m.group(2))
    return out


def stats_delta(a, b):
    return {k: b[k] - a.get(k, 0) for k in b if b[k] - a.get(k, 0) > 0}


def metrics(ctx):
    """kw_* series of GET /metrics when the server has it, else None."""
    if not ctx.stack.metrics_token:
        return None
    status, body = provision.Api(ctx.fleet.port, ctx.stack.metrics_token).call("GET", "/metrics", raw=True)
    if status != 200:
        return None
    out = {}
    for line in body.decode(errors="replace").splitlines():
        if line.startswith("kw_"):
            name, _, value = line.rpartition(" ")
            try:
                out[name] = float(value)
            except ValueError:
                pass
    return out


def queue_series(m):
    return {k: v for k, v in (m or {}).items() if "queue" in k or "depth" in k or "backlog" in k} or None


def run(ctx):
    p, fleet, stack = ctx.p, ctx.fleet, ctx.stack
    ctx.ensure_online()
    chargers = fleet.chargers[1:] if len(fleet.chargers) > 1 else fleet.chargers  # the api scenario used the first
    chargers = chargers[:ctx.args.sessions or p["ingest_sessions"]]
    k = len(chargers)
    # HSETs the chargers cause without sessions (heartbeats' last_seen, ...), subtracted below.
    r0 = redis_commandstats(stack)
    time.sleep(p["idle_window_s"])
    idle_hset_per_s = stats_delta(r0, redis_commandstats(stack)).get("hset", 0) / p["idle_window_s"]
    drivers = provision.register_drivers(fleet, k, 1_000_000, workers=4)
    ctx.drivers, ctx.ingest_chargers = drivers, chargers  # the sessions scenario reuses the drivers

    def start(api, pair):
        drv, ch = pair
        status, body = api.call("POST", "/api/v1/orders", {"charger_code": ch["code"], "connector": 1},
                                token=drv["token"])
        return body["id"] if status == 201 else None

    start.api_factory = lambda: provision.Api(fleet.port)
    t0 = time.time()
    order_ids = provision.parallel(list(zip(drivers, chargers)), start, 4,
                                   lambda d: ctx.log(f"  sessions started: {d}/{k}"), every=500)
    started = sum(1 for o in order_ids if o)
    ctx.log(f"  {started}/{k} sessions started in {time.time() - t0:.1f} s; waiting for them to charge")
    deadline = time.time() + p["online_timeout_s"]
    while fleet.dashboard()["sessions_active"] < started and time.time() < deadline:
        time.sleep(0.5)
    time.sleep(2)

    # Phase 1: meter every 1 s from the simulator.
    w = p["ingest_window_s"]
    ctx.log(f"  {k} sessions metering every 1 s: measuring {w} s")
    r0, a = redis_commandstats(stack), ctx.meter.take()
    time.sleep(w)
    r1, b = redis_commandstats(stack), ctx.meter.take()
    cpu_1s = ctx.meter.delta(a, b, w)
    redis_1s = stats_delta(r0, r1)
    applied_1s = max(0.0, redis_1s.get("hset", 0) / w - idle_hset_per_s) / HSET_PER_SAMPLE
    ctx.log(f"  applied ~{applied_1s:.0f} samples/s (offered {k}/s); server CPU {cpu_1s['kilowatt']['cpu_pct']} %")
    samples_1s = max(1, int(applied_1s * w))
    per_sample = {c: round(n / samples_1s, 2) for c, n in redis_1s.items()}

    # The flood: the simulator stops (its sessions keep running on the server), the flood tool
    # connects as the first F chargers and goes on with their registers.
    status = {}
    for sim in stack.sims:
        for c in stack.sim_control(sim, "status")["chargers"]:
            status[c["code"]] = c["connectors"][0]
    stack.stop_sims()
    f = min(p["flood_chargers"], k)
    flood_csv = stack.path("flood.csv")
    flooded = []
    with open(os.open(flood_csv, os.O_WRONLY | os.O_CREAT, 0o600), "w") as out:
        out.write("code,password,tx_id,energy_wh,power_w,order_id\n")
        for ch, oid in zip(chargers, order_ids):
            st = status.get(ch["code"])
            if not oid or not st or not st.get("tx_id"):
                continue
            out.write(f"{ch['code']},{ch['password']},{st['tx_id']},{st['energy_wh']},{ch['rated_w']},{oid}\n")
            flooded.append((ch, oid, st))
            if len(flooded) == f:
                break
    rows, detail = [], {"per_sample_redis_calls": per_sample, "redis_calls_1s": redis_1s,
                        "idle_hset_per_s": idle_hset_per_s}
    server_rates = {}
    for qos in (0, 1):
        ctx.log(f"  flood QoS {qos}: {len(flooded)} connections as fast as possible, {p['flood_seconds']} s -> server")
        r0 = redis_commandstats(stack)
        final = stack.path(f"flood-final-q{qos}.csv")
        t0 = time.time()
        fl = baselines.flood(ctx, stack.mqtt_port, flood_csv, qos, p["flood_seconds"], final=final)
        cpu_flood = ctx.last_cpu
        # Applied until the server's backlog drained: no new sample for 2 s.
        last, last_change, peak_queue = -1, time.time(), None
        while time.time() - last_change < 2 and time.time() - t0 < p["flood_seconds"] + 120:
            n = stats_delta(r0, redis_commandstats(stack)).get("hset", 0) // HSET_PER_SAMPLE
            q = queue_series(metrics(ctx))
            if q:
                peak_queue = {k2: max(v, (peak_queue or {}).get(k2, 0)) for k2, v in q.items()}
            if n != last:
                last, last_change = n, time.time()
            time.sleep(0.25)
        took = last_change - t0
        applied = last
        rejected = open(stack.server.log, errors="replace").read().count("event=mqtt_rejected")
        rate = applied / took if took > 0 else None
        server_rates[qos] = rate
        ctx.log(f"    published {fl['sent']} ({fl['rate']:.0f}/s); server applied {applied} in {took:.1f} s "
                f"({rate:.0f}/s)")
        ctx.log(f"  baseline QoS {qos}: Mosquitto alone -> kw-bench-mqtt-count")
        base = baselines.mqtt_broker_only(ctx, flood_csv, qos, p["flood_seconds"])
        bl = base["count"]["rate"]
        ctx.log(f"    broker delivered {base['count']['received']} ({bl:.0f}/s)")
        ratio = round(rate / bl, 3) if rate and bl else None
        rows.append({"figure": f"meter samples applied/s, flood QoS {qos}", "value": round(rate or 0), "unit": "msg/s",
                     "baseline": round(bl), "baseline_name": f"Mosquitto alone to a bare subscriber, QoS {qos}",
                     "ratio": ratio, "target": ">= 0.8 of the broker", "met": ratio is not None and ratio >= 0.8})
        detail[f"flood_q{qos}"] = {"flood": fl, "applied": applied, "applied_s": round(took, 2), "rate": rate,
                                   "not_applied": fl["sent"] - applied, "server_log_rejections_so_far": rejected, "queues_peak": peak_queue, "cpu": cpu_flood,
                                   "baseline": base, "baseline_cpu": ctx.last_cpu}
        final_wh = {}
        with open(final) as fin:
            next(fin)
            for line in fin:
                code, wh = line.strip().split(",")
                final_wh[code] = int(wh)
        # The next QoS run goes on from where this one left the registers.
        rewrite = ["code,password,tx_id,energy_wh,power_w,order_id"]
        for ch, oid, st in flooded:
            st["energy_last"] = final_wh[ch["code"]]
            rewrite.append(f"{ch['code']},{ch['password']},{st['tx_id']},{final_wh[ch['code']]},{ch['rated_w']},{oid}")
        with open(flood_csv, "w") as out:
            out.write("\n".join(rewrite) + "\n")

    # Billing check: once the server has drained the flood, each flooded charger ends its transaction
    # as a charger does when the driver unplugs ("ended" with its last reading, QoS 1); every bill must
    # be exactly that reading. Meter samples the broker dropped under the flood (its queue for a slow
    # subscriber is bounded: max_queued_messages) do not matter, as with real chargers.
    ctx.log(f"  the {len(flooded)} flooded chargers end their transactions; checking every bill")
    ended = baselines.flood(ctx, stack.mqtt_port, flood_csv, 1, 0, end=True)
    drv_of = {ch["code"]: drv for drv, ch in zip(drivers, chargers)}
    exact, wrong, pending = 0, [], 0
    deadline = time.time() + 120
    for ch, oid, st in flooded:
        api = provision.Api(fleet.port, drv_of[ch["code"]]["token"])
        while True:
            o = api.expect(200, "GET", f"/api/v1/orders/{oid}")
            if o["state"] in ("settled", "cancelled"):
                break
            if time.time() > deadline:
                pending += 1
                break
            time.sleep(0.5)
        expect = st["energy_last"] - (o.get("meter_start_wh") or 0)
        if o["energy_wh"] == expect:
            exact += 1
        else:
            wrong.append({"order": oid, "energy_wh": o["energy_wh"], "expected": expect, "state": o["state"]})
    ctx.log(f"  bills: {exact}/{len(flooded)} exact, {len(wrong)} differ, {pending} not settled in time")
    rows.insert(0, {"figure": "meter samples applied/s at 1 msg/s per session", "value": round(applied_1s),
                    "unit": "msg/s", "baseline": k, "baseline_name": "offered", "ratio": round(applied_1s / k, 3)})
    rows.append({"figure": "flooded orders billed exactly the last reading", "value": f"{exact}/{len(flooded)}",
                 "target": "all", "met": exact == len(flooded)})
    detail.update(bills={"exact": exact, "wrong": wrong[:20], "pending": pending, "ended_sent": ended.get("ended")},
                  cpu_1s=cpu_1s,
                  metrics_queues=queue_series(metrics(ctx)) if ctx.stack.metrics_token else "n/a (no /metrics)")
    ctx.ingest_rate = server_rates.get(0)
    ctx.per_sample_redis = per_sample
    return {"figures": rows, "detail": detail, "cpu": cpu_1s, "sessions": started, "flood_connections": len(flooded)}
