"""scaleout: the ingest flood (kwbench/meterflood.py) against one, then two kilowatt instances
sharing the broker, Redis and MariaDB. Three phases, the same sessions running throughout: one
instance as deployed by default; the same restarted in cluster mode (server.cluster = true: every
push becomes a Redis PUBLISH, the price of several instances); two instances in cluster mode, the
shared subscription $share/<mqtt.share_group>/... splitting the chargers' messages between them.
The speed-up is two over one in cluster mode (like with like) and two over one by default (what an
operator gains by adding an instance).

Counted are the meter messages the instances handled, from each one's GET /metrics
(kw_device_messages_total of kind meter, every result; readings refused as going backwards or too
fast are results of their own; so are samples whose timestamp is not after the running order's last
one, "stale": same millisecond, or overtaken by a newer sample the other instance applied first).
Without /metrics Redis HSETs / 2 are used (kwbench/meterflood.py).
The broker alone (same flood, bare subscriber) is the reference, and the flooded orders' bills are
checked as in ingest.

The push scenario's measurement (kwbench/scenarios/push.py) runs once per phase too, at its highest
rate, on chargers the ingest flood does not speak as: the WebSocket clients split evenly between
the instances, so with two instances most pushes cross from the instance that handled the sample
to the other one through Redis. Reported: p50/p99/max and pushes lost per phase.

Needs --db mariadb: SQLite cannot be shared between two server processes."""

from .. import baselines, provision
from . import push
from ..meterflood import (carry_registers, check_bills, flood_until_drained, handled_delta, meter_counter,
                          meter_handled, start_sessions, take_over_from_sims)

CLUSTER = ["--server.cluster=true"]
SKIP = "needs --db mariadb (two server processes cannot share one SQLite database)"


def kilowatt_cpu(cpu):
    """{instance: cpu} of the kilowatt processes in a procstat delta, and their sum."""
    mine = {k: v for k, v in cpu.items() if k == "kilowatt" or k.startswith("kilowatt-") and k != "kilowatt-sim"}
    return mine, round(sum(v["cpu_pct"] or 0 for v in mine.values()), 1)


def flood_phase(ctx, label, qos, flood_csv, flooded):
    """One flood into the cluster as it is now; the registers carry on for the next phase."""
    stack = ctx.stack
    procs = [stack.server] + stack.extra_servers
    before = {p.name: meter_handled(ctx, p.http_port) for p in procs}
    counter = meter_counter(ctx, [p.http_port for p in procs])
    ctx.log(f"  {label}, flood QoS {qos}: {len(flooded)} connections, {ctx.p['flood_seconds']} s")
    final = stack.path(f"scaleout-final-{len(procs)}{'c' if 'cluster' in label else ''}-q{qos}.csv")
    got = flood_until_drained(ctx, flood_csv, qos, final, ports=[p.http_port for p in procs], counter=counter)
    got["counted"] = "meter messages handled (/metrics)" if counter else "Redis HSETs / 2"
    carry_registers(flood_csv, flooded, final)
    got["per_instance"] = {p.name: handled_delta(before[p.name], meter_handled(ctx, p.http_port)) for p in procs}
    share = {name: None if d is None else sum(d.values()) for name, d in got["per_instance"].items()}
    per_proc, total = kilowatt_cpu(got["cpu_until_drained"])
    got["kilowatt_cpu_pct"] = {"per_instance": {k: v["cpu_pct"] for k, v in per_proc.items()}, "total": total}
    ctx.log(f"    published {got['flood']['sent']}; handled {got['applied']} in {got['applied_s']} s "
            f"({got['rate'] or 0:.0f}/s); per instance {share}; kilowatt CPU {total} % of one core")
    return got


class PushPhases:
    """The push measurement once per phase, on the same clients' chargers, registers carried on."""

    def __init__(self, ctx, exclude):
        self.ctx, self.rate = ctx, max(ctx.p["push_rates"])
        k = min(ctx.p["push_clients"], len(ctx.fleet.chargers) - len(exclude))
        self.picked, self.channels, self.flood_csv = push.prepare(ctx, k, exclude, tag="-scaleout") if k > 0 else (
            [], None, None)
        self.results = {}

    def measure(self, label, ports):
        if not self.picked:
            return
        self.ctx.log(f"  push, {label}: {len(self.picked)} clients, {self.rate} msg/s")
        r = push.one_rate(self.ctx, self.rate, len(self.picked), self.channels, self.flood_csv, ports,
                          tag=f"-scaleout-{len(self.results)}")
        self.results[label] = r
        self.picked = push.carry_on(self.picked, r, self.flood_csv)

    def rows(self):
        if not self.results:
            return [{"figure": "push: skipped", "value": "no charger left besides the ingest flood's"}]
        lat = {k: r["ws"] for k, r in self.results.items()}
        return [
            {"figure": f"push publish -> WebSocket p99 at {self.rate:,} msg/s, {len(self.picked):,} clients: "
                       + " / ".join(lat), "value": " / ".join(f"{v['p99_ms']:.1f}" for v in lat.values()),
             "unit": "ms"},
            {"figure": "push p50 / max, same phases",
             "value": " / ".join(f"{v['p50_ms']:.1f}, {v['max_ms']:.1f}" for v in lat.values()), "unit": "ms"},
            {"figure": "pushes received / published, same phases",
             "value": " / ".join(f"{r['ws']['received']}/{r['flood']['sent']}" for r in self.results.values()),
             "target": "all", "met": all(r["lost"] == 0 and r["ws"]["errors"] == 0 for r in self.results.values())}]


def run(ctx):
    if ctx.args.db != "mariadb":
        ctx.log(f"  skipped: {SKIP}")
        return {"figures": [{"figure": "skipped", "value": SKIP}], "skipped": SKIP}
    try:
        return measure_ingest(ctx, ctx.p, ctx.fleet, ctx.stack)
    finally:
        # Later scenarios get the stack as they would have found it: one instance, not in cluster mode.
        if ctx.stack.extra_servers or getattr(ctx, "scaleout_restarted", False):
            ctx.stack.stop_extra_servers()
            ctx.stack.restart_server()


def measure_ingest(ctx, p, fleet, stack):
    ctx.ensure_online()
    # The chargers and drivers of the ingest scenario when it ran (their flooded orders are settled),
    # else the same set-up as ingest's.
    f = p["flood_chargers"]
    chargers = (list(getattr(ctx, "ingest_chargers", [])) or fleet.chargers[1:] or fleet.chargers)[:f]
    drivers = list(getattr(ctx, "drivers", []))[:len(chargers)]
    if len(drivers) < len(chargers):
        drivers += provision.register_drivers(fleet, len(chargers) - len(drivers), 1_000_000,
                                              offset=20_000_000 + len(drivers))
    order_ids = start_sessions(ctx, drivers, chargers)
    flood_csv, flooded = take_over_from_sims(ctx, chargers, order_ids, len(chargers), name="scaleout-flood.csv")
    if not flooded:
        raise RuntimeError("no session charging to flood")

    # Three phases, the sessions running throughout (the registers carry on from flood to flood):
    # one instance as deployed by default, the same in cluster mode, two in cluster mode.
    qoss = p["scaleout_qos"]
    single, one, two, base = {}, {}, {}, {}
    pushes = PushPhases(ctx, {ch["code"] for ch in chargers})
    for qos in qoss:
        single[qos] = flood_phase(ctx, "1 instance", qos, flood_csv, flooded)
        ctx.log(f"  baseline QoS {qos}: Mosquitto alone -> kw-bench-mqtt-count")
        base[qos] = baselines.mqtt_broker_only(ctx, flood_csv, qos, p["flood_seconds"], tag="-scaleout")
        ctx.log(f"    broker delivered {base[qos]['count']['received']} ({base[qos]['count']['rate']:.0f}/s)")
    pushes.measure("1", [stack.http_port])
    ctx.log("  restarting kilowatt with --server.cluster=true")
    ctx.scaleout_restarted = True
    stack.restart_server(CLUSTER)
    for qos in qoss:
        one[qos] = flood_phase(ctx, "1 instance, cluster mode", qos, flood_csv, flooded)
    pushes.measure("1 cluster", [stack.http_port])
    ctx.log("  starting a second kilowatt (cluster mode; same MariaDB, Redis and broker account)")
    stack.start_second_server(CLUSTER)
    for qos in qoss:
        two[qos] = flood_phase(ctx, "2 instances, cluster mode", qos, flood_csv, flooded)
    pushes.measure("2 cluster", [stack.http_port] + [s.http_port for s in stack.extra_servers])

    rows, detail = [], {"flood_connections": len(flooded)}
    for qos in qoss:
        r0, r1, r2, bl = single[qos]["rate"], one[qos]["rate"], two[qos]["rate"], base[qos]["count"]["rate"]

        def ratio(a, b):
            return round(a / b, 3) if a and b else None

        shares = {k: None if d is None else sum(d.values()) for k, d in two[qos]["per_instance"].items()}
        both = all(v for v in shares.values()) if None not in shares.values() else None
        rows += [
            {"figure": f"meter messages handled/s, 1 instance, flood QoS {qos}", "value": round(r0 or 0),
             "unit": "msg/s", "baseline": round(bl), "baseline_name": f"Mosquitto alone, QoS {qos}",
             "ratio": ratio(r0, bl)},
            {"figure": f"1 instance in cluster mode, QoS {qos}", "value": round(r1 or 0), "unit": "msg/s",
             "baseline": round(r0 or 0), "baseline_name": "1 instance", "ratio": ratio(r1, r0)},
            {"figure": f"2 instances (cluster mode), QoS {qos}: speed-up over 1 in cluster mode",
             "value": round(r2 or 0), "unit": "msg/s", "baseline": round(r1 or 0),
             "baseline_name": "1 instance, cluster mode", "ratio": ratio(r2, r1),
             "target": "speed-up (no 2x on 2 cores shared by everything)"},
            {"figure": f"2 instances (cluster mode), QoS {qos}: speed-up over 1 instance", "value": round(r2 or 0),
             "unit": "msg/s", "baseline": round(r0 or 0), "baseline_name": "1 instance", "ratio": ratio(r2, r0)},
            {"figure": f"meter messages handled per instance (2 instances), QoS {qos}",
             "value": " / ".join("n/a" if v is None else f"{v:,}" for v in shares.values()),
             "target": "each > 0", "met": both},
            {"figure": f"kilowatt CPU until drained: 1, 1 cluster, 2 cluster, QoS {qos}",
             "value": " / ".join(str(x[qos]["kilowatt_cpu_pct"]["total"]) for x in (single, one, two)),
             "unit": "% of one core"}]
        detail[f"q{qos}"] = {"one_instance": single[qos], "one_instance_cluster": one[qos], "two_instances": two[qos],
                             "broker_only": base[qos], "speedup": ratio(r2, r1), "speedup_over_single": ratio(r2, r0),
                             "broker_only_rate": bl}
    rows += pushes.rows()
    detail["push"] = {k: {kk: v for kk, v in r.items() if kk != "final"} for k, r in pushes.results.items()}
    token_of = {ch["code"]: drv["token"] for drv, ch in zip(drivers, chargers)}
    bills = check_bills(ctx, flooded, token_of)
    rows.append({"figure": "flooded orders billed exactly the last reading (after every phase)",
                 "value": f"{bills['exact']}/{len(flooded)}", "target": "all", "met": bills["exact"] == len(flooded)})
    detail["bills"] = bills
    return {"figures": rows, "detail": detail, "cpu": two[qoss[0]]["cpu_until_drained"]}
