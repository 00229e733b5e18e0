"""redis: redis-benchmark for the Redis commands the server issues per meter sample during a
session (read from live/state.cpp and service/running.cpp, and counted in the ingest scenario's
INFO commandstats when it ran): EXISTS online + HMGET charger (one pipeline), HMGET connector,
HMGET running order (each with the fields the server asks for), HSET running order, HSET connector
(a batch writes each hash once, so at 1 sample/s per session about one of each per sample). Each
command alone at the server's Redis pool size (8 connections, no pipelining), on copies of real
hashes under kwbench:* keys (the server's own keys are only read). The mix's rate is
1 / sum(calls_i / rate_i) samples per second: what Redis alone could absorb of the server's
per-sample work, reported next to ingest."""
import time

from .. import baselines

# Calls per applied sample during a session (the ingest scenario measures them; these are the
# defaults when it did not run).
DEFAULT_MIX = {"exists": 1, "hmget": 3, "hset": 2}
# The fields the server's HMGETs name (live/state.cpp kChargerFields, kConnectorFields;
# service/running.cpp kFields).
CHARGER_FIELDS = ["last_seen", "boot_id", "station_id", "clock_offset_ms"]
CONNECTOR_FIELDS = ["status", "power_w", "energy_wh", "voltage_v", "current_a", "soc", "at", "order_id", "tx_id"]
RUNNING_FIELDS = ["start_wh", "start_at", "last_wh", "last_at", "persisted_at", "est_fen", "power_w", "soc",
                  "balance_fen", "driver_id", "limit_wh", "limit_fen", "limit_minutes", "tariff", "tz", "stop_sent",
                  "max_w", "reading", "seg_at", "seg_wh", "closed_wh", "closed_elec_fen", "closed_service_fen"]


def run(ctx):
    stack, fleet = ctx.stack, ctx.fleet
    code = fleet.chargers[-1]["code"]
    prefix = "kw:"
    conn = stack.redis_cli("HGETALL", f"{prefix}conn:{code}:1").split()
    charger = stack.redis_cli("HGETALL", f"{prefix}charger:{code}").split()
    order = ["start_wh", "1000", "start_at", "1764400000000", "last_wh", "1500", "last_at", "1764400100000",
             "est_fen", "75", "power_w", "7000", "soc", "", "driver_id", "7", "balance_fen", "100000",
             "tariff", '{"prices":{"flat":{"electricity":10000,"service":5000}},"periods":[["00:00","24:00","flat"]]}',
             "persisted_at", "1764400000000"]
    for key, fields in (("kwbench:conn", conn), ("kwbench:charger", charger), ("kwbench:order", order)):
        if len(fields) >= 2:
            stack.redis_cli("HSET", key, *fields[: len(fields) // 2 * 2])
    stack.redis_cli("SET", "kwbench:online", "1")
    commands = {
        "EXISTS online": ["EXISTS", "kwbench:online"],
        "HMGET charger": ["HMGET", "kwbench:charger", *CHARGER_FIELDS],
        "HMGET connector": ["HMGET", "kwbench:conn", *CONNECTOR_FIELDS],
        "HMGET order": ["HMGET", "kwbench:order", *RUNNING_FIELDS],
        "HSET order": ["HSET", "kwbench:order", "last_wh", "1501", "last_at", "1764400101000", "est_fen", "76",
                       "power_w", "7000", "soc", ""],
        "HSET connector": ["HSET", "kwbench:conn", "energy_wh", "1501", "power_w", "7000", "voltage_v", "230.0",
                           "current_a", "30.4", "at", "1764400101000"],
    }
    ctx.log(f"  redis-benchmark -c 8 -n {ctx.p['redis_requests']} for {len(commands)} commands")
    a = ctx.meter.take()
    t0 = time.time()
    rates = baselines.redis_benchmark(stack, commands, ctx.p["redis_requests"], clients=8)
    cpu = ctx.meter.delta(a, ctx.meter.take(), time.time() - t0)
    for name, r in rates.items():
        ctx.log(f"    {name}: {r} ops/s")
    measured = getattr(ctx, "per_sample_redis", None) or {}
    mix = {c: measured.get(c, n) for c, n in DEFAULT_MIX.items()}
    per_kind = {"exists": ["EXISTS online"], "hmget": ["HMGET charger", "HMGET connector", "HMGET order"],
                "hset": ["HSET order", "HSET connector"]}
    # Seconds of Redis per sample: each kind's calls spread evenly over its commands.
    cost = 0.0
    for kind, calls in mix.items():
        names = per_kind[kind]
        cost += sum(calls / len(names) / rates[n] for n in names if rates.get(n))
    mix_rate = round(1 / cost) if cost else None
    ingest = getattr(ctx, "ingest_rate", None)
    ratio = round(ingest / mix_rate, 3) if ingest and mix_rate else None
    return {"figures": [{"figure": "meter-sample Redis mix, Redis alone", "value": mix_rate, "unit": "samples/s",
                         "baseline_name": "redis-benchmark, 8 connections"},
                        {"figure": "server ingest (flood QoS 0) vs Redis alone for the same mix",
                         "value": round(ingest) if ingest else None, "unit": "samples/s", "baseline": mix_rate,
                         "baseline_name": "Redis alone", "ratio": ratio}],
            "rates": rates, "mix_per_sample": mix, "cpu": cpu}
