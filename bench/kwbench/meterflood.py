"""The pieces of the meter flood that the ingest and scaleout scenarios share: sessions on chargers
of the simulator, the flood tool taking over their registers, counting the samples the server(s)
applied, and the bill check of the flooded orders.

Applied samples are counted from each instance's GET /metrics (kw_device_messages_total of kind
meter, by result: meter_counter). Without /metrics (a server before that endpoint) they are counted
from Redis: the server then wrote two hashes per applied sample of a session, the connector's live
values and the running order, and nothing else wrote HSET while only meters arrived. Since a batch
writes each hash once however many of its samples it holds (live/hset_merge.hpp), HSETs / 2 counts
fewer samples than were applied: it is kept in the results (hset_samples) as a check, not used."""
import os
import re
import threading
import time

from . import baselines, provision

HSET_PER_SAMPLE = 2
FLOOD_CSV_HEADER = "code,password,tx_id,energy_wh,power_w,order_id"


def redis_commandstats(stack):
    """{command: calls} from INFO commandstats."""
    out = {}
    for m in re.finditer(r"^cmdstat_([a-z|]+):calls=(\d+)", stack.redis_cli("INFO", "commandstats"), re.M):
        out[m.group(1)] = int(m.group(2))
    return out


def stats_delta(a, b):
    return {k: b[k] - a.get(k, 0) for k in b if b[k] - a.get(k, 0) > 0}


def metrics(ctx, port=None):
    """kw_* series of GET /metrics of the instance on `port` (default: the first) when the server
    has it, else None."""
    if not ctx.stack.metrics_token:
        return None
    status, body = provision.Api(port or ctx.fleet.port, ctx.stack.metrics_token).call("GET", "/metrics", raw=True)
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


METER = 'kw_device_messages_total{kind="meter",'


def meter_handled(ctx, port=None):
    """{result: meter messages} the instance on `port` (default: the first) handled since it
    started, or None without /metrics."""
    m = metrics(ctx, port)
    if m is None:
        return None
    return {k.split('result="')[1].rstrip('"}'): int(v) for k, v in m.items() if k.startswith(METER)}


def handled_delta(before, after):
    return None if before is None or after is None else {k: v - before.get(k, 0) for k, v in after.items()}


def meter_counter(ctx, ports, results=None):
    """A counter() for flood_until_drained: the meter messages the instances on `ports` (None: the
    first) handled from now on, only those of `results` ("applied", "rejected", "stale", "error";
    default: every result). None when an instance has no /metrics."""
    before = {port: meter_handled(ctx, port) for port in ports}
    if None in before.values():
        return None

    def counter():
        total = 0
        for port in ports:
            delta = handled_delta(before[port], meter_handled(ctx, port)) or {}
            total += sum(n for result, n in delta.items() if results is None or result in results)
        return total
    return counter


def queue_series(m):
    return {k: v for k, v in (m or {}).items() if "queue" in k or "depth" in k or "backlog" in k} or None


def start_sessions(ctx, drivers, chargers):
    """One order per (driver, charger) through the driver API; waits until the simulator charges
    on each. Returns the order ids (None where the start was refused)."""
    fleet, k = ctx.fleet, len(chargers)

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
    # Charging = the simulator reports a transaction on each (the dashboard's count would also
    # include sessions of earlier scenarios).
    want = {ch["code"] for ch, oid in zip(chargers, order_ids) if oid}
    deadline = time.time() + ctx.p["online_timeout_s"]
    while want and time.time() < deadline:
        want -= {code for code, st in sim_status(ctx.stack).items() if st.get("tx_id")}
        time.sleep(0.5)
    time.sleep(2)
    return order_ids


def sim_status(stack):
    """{charger code: its first connector's status} from every simulator process."""
    status = {}
    for sim in stack.sims:
        for c in stack.sim_control(sim, "status")["chargers"]:
            status[c["code"]] = c["connectors"][0]
    return status


def take_over_from_sims(ctx, chargers, order_ids, f, name="flood.csv"):
    """Stops the simulator (its sessions keep running on the server) and writes the flood tool's
    CSV for the first f chargers with a running transaction, going on with their registers.
    Returns (csv path, [(charger, order id, connector status)])."""
    stack = ctx.stack
    status = sim_status(stack)
    stack.stop_sims()
    flood_csv = stack.path(name)
    flooded = []
    with open(os.open(flood_csv, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(FLOOD_CSV_HEADER + "\n")
        for ch, oid in zip(chargers, order_ids):
            st = status.get(ch["code"])
            if not oid or not st or not st.get("tx_id"):
                continue
            out.write(f"{ch['code']},{ch['password']},{st['tx_id']},{st['energy_wh']},{ch['rated_w']},{oid}\n")
            flooded.append((ch, oid, st))
            if len(flooded) == f:
                break
    return flood_csv, flooded


def flood_until_drained(ctx, flood_csv, qos, final, ports=None, counter=None):
    """The flood as fast as possible into the stack's broker; meanwhile and afterwards counts what
    the server(s) applied, until the flood is over and no new sample came for 2 s ("drained" is
    false when the cap cut it short). The rate is the samples applied over the server's own span,
    from the first applied sample of the flood to the last, as the baseline's counter measures its
    own span from the first message to the last: the flood tool's exit (at QoS 1 it waits up to 30 s
    for its last acknowledgements) is not part of it.
    `counter()`: samples applied since the call began (meter_counter; default: HSETs / 2); `ports`:
    the instances whose /metrics are read for queue depths (default: the first). Returns
    {flood, applied, applied_s, rate, hset_samples, drained, queues_peak, cpu, cpu_until_drained,
    series}: `cpu` is what each process spent while the flood tool ran, `cpu_until_drained` the same
    from the flood's start to the end of the drain (the last sample applied, plus the 2 s that showed
    it); series: [seconds since the flood began, samples applied so far] every 0.25 s."""
    stack, seconds = ctx.stack, ctx.p["flood_seconds"]
    r0 = redis_commandstats(stack)

    def hset_samples():
        return stats_delta(r0, redis_commandstats(stack)).get("hset", 0) // HSET_PER_SAMPLE

    counter = counter or hset_samples
    a, t0 = ctx.meter.take(), time.time()
    done = {}

    def flood():
        try:
            done["fl"] = baselines.flood(ctx, stack.mqtt_port, flood_csv, qos, seconds, final=final)
        except Exception as e:  # raised again below, in the caller's thread
            done["error"] = e

    flooding = threading.Thread(target=flood)
    flooding.start()
    last, first, last_change, peak_queue, series = 0, None, None, None, []
    # A cluster on a loaded machine took up to 130 s to drain a 10 s flood: the cap is generous,
    # and the result says whether it was reached.
    cap = seconds + 300
    while time.time() - t0 < cap:
        n = counter()
        for port in ports or [None]:
            q = queue_series(metrics(ctx, port))
            if q:
                key = port or ctx.fleet.port
                peak_queue = peak_queue or {}
                peak_queue[key] = {k: max(v, peak_queue.get(key, {}).get(k, 0)) for k, v in q.items()}
        now = time.time()
        series.append((round(now - t0, 2), n))
        if n != last:
            first = first or now
            last, last_change = n, now
        if not flooding.is_alive() and now - (last_change or t0) >= 2:
            break
        time.sleep(0.25)
    flooding.join()
    if "error" in done:
        raise done["error"]
    took = (last_change - first) if first else 0
    if peak_queue and not ports:  # one instance: the series as before, not keyed by port
        peak_queue = next(iter(peak_queue.values()))
    rate = last / took if took > 0 else None
    return {"flood": done["fl"], "applied": last, "applied_s": round(took, 2), "rate": rate,
            "hset_samples": hset_samples(), "drained": time.time() - t0 < cap, "queues_peak": peak_queue,
            "cpu": ctx.last_cpu, "cpu_until_drained": ctx.meter.delta(a, ctx.meter.take(), time.time() - t0),
            "series": series}


def carry_registers(flood_csv, flooded, final):
    """The next flood goes on from where this one left the registers (the flood tool's --final)."""
    final_wh = {}
    with open(final) as fin:
        next(fin)
        for line in fin:
            code, wh = line.strip().split(",")
            final_wh[code] = int(wh)
    rewrite = [FLOOD_CSV_HEADER]
    for ch, oid, st in flooded:
        st["energy_last"] = final_wh[ch["code"]]
        rewrite.append(f"{ch['code']},{ch['password']},{st['tx_id']},{final_wh[ch['code']]},{ch['rated_w']},{oid}")
    with open(flood_csv, "w") as out:
        out.write("\n".join(rewrite) + "\n")


def check_bills(ctx, flooded, token_of, name="flood-end.csv"):
    """Once the server has drained the flood, each flooded charger ends its transaction as a
    charger does when the driver unplugs ("ended" with its last reading, QoS 1, through the flood
    tool's --end); every bill must be exactly that reading. Meter samples the broker dropped under
    the flood (its queue for a slow subscriber is bounded: max_queued_messages) do not matter, as
    with real chargers. token_of: {charger code: driver token}. Returns {exact, wrong, pending, ended_sent}."""
    stack, port = ctx.stack, ctx.fleet.port
    ctx.log(f"  the {len(flooded)} flooded chargers end their transactions; checking every bill")
    end_csv = stack.path(name)
    with open(os.open(end_csv, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(FLOOD_CSV_HEADER + ",meter_start_wh,started_at\n")
        for ch, oid, st in flooded:
            # How the transaction began, as the charger itself remembers it (its "started" event).
            o = provision.Api(port, token_of[ch["code"]]).expect(200, "GET", f"/api/v1/orders/{oid}")
            out.write(f"{ch['code']},{ch['password']},{st['tx_id']},{st['energy_last']},{ch['rated_w']},{oid},"
                      f"{o.get('meter_start_wh') or 0},{o.get('started_at') or ''}\n")
    ended = baselines.flood(ctx, stack.mqtt_port, end_csv, 1, 0, end=True)
    exact, wrong, pending = 0, [], 0
    deadline = time.time() + 120
    for ch, oid, st in flooded:
        api = provision.Api(port, token_of[ch["code"]])
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
    return {"exact": exact, "wrong": wrong[:20], "pending": pending, "ended_sent": ended.get("ended")}
