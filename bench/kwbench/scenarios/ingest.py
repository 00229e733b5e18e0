"""ingest: every charger with a session (drivers registered through the real API, balance by an
admin adjustment), meter every 1 s from kilowatt-sim; then kw-bench-mqtt-flood publishing the
same meter messages as fast as the broker takes them, as the chargers themselves. Baseline:
Mosquitto alone (a fresh broker, same config) delivering the same flood to kw-bench-mqtt-count,
QoS 0 and 1. Samples the server applied are counted from its /metrics (kwbench/meterflood.py). The bills
of the flooded orders are checked against the flood's last register reading, which each flooded
charger sends in its "ended" event once the server has drained the flood."""
import time

from .. import baselines, provision
from ..meterflood import (HSET_PER_SAMPLE, carry_registers, check_bills, flood_until_drained, meter_counter,
                          metrics, queue_series, redis_commandstats, start_sessions, stats_delta, take_over_from_sims)

APPLIED = ("applied",)  # not the readings refused (too fast, backwards) nor the stale ones


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
    ctx.drivers, ctx.ingest_chargers = drivers, chargers  # the sessions and scaleout scenarios reuse them
    order_ids = start_sessions(ctx, drivers, chargers)
    started = sum(1 for o in order_ids if o)

    # Phase 1: meter every 1 s from the simulator.
    w = p["ingest_window_s"]
    ctx.log(f"  {k} sessions metering every 1 s: measuring {w} s")
    counter = meter_counter(ctx, [None], APPLIED)
    r0, a = redis_commandstats(stack), ctx.meter.take()
    time.sleep(w)
    r1, b = redis_commandstats(stack), ctx.meter.take()
    cpu_1s = ctx.meter.delta(a, b, w)
    redis_1s = stats_delta(r0, r1)
    if counter:
        applied_1s = counter() / w
    else:  # a server without /metrics
        applied_1s = max(0.0, redis_1s.get("hset", 0) / w - idle_hset_per_s) / HSET_PER_SAMPLE
    ctx.log(f"  applied ~{applied_1s:.0f} samples/s (offered {k}/s); server CPU {cpu_1s['kilowatt']['cpu_pct']} %")
    samples_1s = max(1, int(applied_1s * w))
    per_sample = {c: round(n / samples_1s, 2) for c, n in redis_1s.items()}

    # The flood: the simulator stops (its sessions keep running on the server), the flood tool
    # connects as the first F chargers and goes on with their registers.
    flood_csv, flooded = take_over_from_sims(ctx, chargers, order_ids, min(p["flood_chargers"], k))
    rows, detail = [], {"per_sample_redis_calls": per_sample, "redis_calls_1s": redis_1s,
                        "idle_hset_per_s": idle_hset_per_s}
    server_rates = {}
    for qos in (0, 1):
        ctx.log(f"  flood QoS {qos}: {len(flooded)} connections as fast as possible, {p['flood_seconds']} s -> server")
        final = stack.path(f"flood-final-q{qos}.csv")
        got = flood_until_drained(ctx, flood_csv, qos, final, counter=meter_counter(ctx, [None], APPLIED))
        fl, applied, took, rate = got["flood"], got["applied"], got["applied_s"], got["rate"]
        rejected = open(stack.server.log, errors="replace").read().count("event=mqtt_rejected")
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
        detail[f"flood_q{qos}"] = {"flood": fl, "applied": applied, "applied_s": took, "rate": rate,
                                   "hset_samples": got["hset_samples"],
                                   "not_applied": fl["sent"] - applied, "server_log_rejections_so_far": rejected,
                                   "queues_peak": got["queues_peak"], "cpu": got["cpu"],
                                   "cpu_until_drained": got["cpu_until_drained"],
                                   # the server goes on applying after the flood tool: count the drain too
                                   "us_per_applied": {name: round(1e6 * c["cpu_s"] / applied, 2)
                                                      for name, c in got["cpu_until_drained"].items()}
                                   if applied else None,
                                   "series": got["series"],
                                   "baseline": base, "baseline_cpu": ctx.last_cpu}
        carry_registers(flood_csv, flooded, final)

    # Billing check: the flooded chargers end their transactions; every bill must be their last reading.
    bills = check_bills(ctx, flooded, {ch["code"]: drv["token"] for drv, ch in zip(drivers, chargers)})
    exact = bills["exact"]
    rows.insert(0, {"figure": "meter samples applied/s at 1 msg/s per session", "value": round(applied_1s),
                    "unit": "msg/s", "baseline": k, "baseline_name": "offered", "ratio": round(applied_1s / k, 3)})
    rows.append({"figure": "flooded orders billed exactly the last reading", "value": f"{exact}/{len(flooded)}",
                 "target": "all", "met": exact == len(flooded)})
    detail.update(bills=bills, cpu_1s=cpu_1s,
                  metrics_queues=queue_series(metrics(ctx)) if ctx.stack.metrics_token else "n/a (no /metrics)")
    ctx.ingest_rate = server_rates.get(0)
    ctx.per_sample_redis = per_sample
    return {"figures": rows, "detail": detail, "cpu": cpu_1s, "sessions": started, "flood_connections": len(flooded)}
