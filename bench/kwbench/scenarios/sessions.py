"""sessions: K concurrent sessions (default 1,000) go start -> charging -> stop -> settled through
the driver API against kilowatt-sim chargers: sessions per second, p50/p99 of start-to-charging and
stop-to-settled, and every bill checked against the simulator (energy = the charger's register
after the stop minus the order's start reading; amount = the flat tariff applied independently).
Latencies are seen by polling GET /api/v1/orders/{id} round-robin over the open orders, so they
are exact to one polling sweep (its length is reported as `resolution_s`)."""
import time

from .. import provision


def pct(values, q):
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))], 3)


def fee(wh, price):  # the billing rule of shared/testdata/README.md, written again on purpose
    return (wh * price + 50000) // 100000


def wait_states(ctx, orders, states, since):
    """Polls every order until its state is in `states`; returns {order id: seconds after since[id]}
    and the longest sweep."""
    seen, sweep_max = {}, 0.0
    deadline = time.time() + ctx.p["online_timeout_s"]

    def check(api, o):
        got = api.expect(200, "GET", f"/api/v1/orders/{o['id']}", token=o["token"])
        return o["id"], got

    check.api_factory = lambda: provision.Api(ctx.fleet.port)
    pending = list(orders)
    while pending and time.time() < deadline:
        t0 = time.time()
        results = provision.parallel(pending, check, 4)
        now = time.time()
        sweep_max = max(sweep_max, now - t0)
        still = []
        for o, (oid, got) in zip(pending, results):
            if got["state"] in states:
                seen[oid] = (now - since[oid], got)
            else:
                still.append(o)
        pending = still
    return seen, sweep_max


def run(ctx):
    p, fleet, stack = ctx.p, ctx.fleet, ctx.stack
    k = min(ctx.args.sessions_k or p["sessions"], len(fleet.chargers) - 1)
    # Chargers the ingest scenario did not use (its sessions may still run), connected again if
    # ingest stopped the simulator.
    used = 1 + (len(getattr(ctx, "ingest_chargers", [])) if hasattr(ctx, "ingest_chargers") else 0)
    chargers = fleet.chargers[used:used + k] if used + k <= len(fleet.chargers) else fleet.chargers[-k:]
    k = len(chargers)
    ctx.ensure_online()
    drivers = list(getattr(ctx, "drivers", []))[:k]
    if len(drivers) < k:
        drivers += provision.register_drivers(fleet, k - len(drivers), 1_000_000, offset=10_000_000 + len(drivers))
    ctx.log(f"  {k} sessions: start all")
    starts = {}

    def start(api, pair):
        drv, ch = pair
        t = time.time()
        o = api.expect(201, "POST", "/api/v1/orders", {"charger_code": ch["code"], "connector": 1}, token=drv["token"])
        starts[o["id"]] = t
        return {"id": o["id"], "token": drv["token"], "code": ch["code"]}

    start.api_factory = lambda: provision.Api(fleet.port)
    t_first = time.time()
    cpu0 = ctx.meter.take()
    orders = provision.parallel(list(zip(drivers, chargers)), start, 8)
    charging, res1 = wait_states(ctx, orders, ("charging",), starts)
    ctx.log(f"  {len(charging)}/{k} charging; p99 start-to-charging {pct([v[0] for v in charging.values()], 99)} s")
    time.sleep(p["sessions_charge_s"])
    stops = {}

    def stop(api, o):
        stops[o["id"]] = time.time()
        api.expect(200, "POST", f"/api/v1/orders/{o['id']}/stop", token=o["token"])

    stop.api_factory = lambda: provision.Api(fleet.port)
    provision.parallel(orders, stop, 8)
    settled, res2 = wait_states(ctx, orders, ("settled",), stops)
    took = time.time() - t_first
    cpu = ctx.meter.delta(cpu0, ctx.meter.take(), took)
    ctx.log(f"  {len(settled)}/{k} settled; p99 stop-to-settled {pct([v[0] for v in settled.values()], 99)} s")

    # Bills against the simulator's registers.
    regs = {}
    for sim in stack.sims:
        for c in stack.sim_control(sim, "status")["chargers"]:
            regs[c["code"]] = c["connectors"][0]["energy_wh"]
    exact, wrong = 0, []
    for o in orders:
        got = settled.get(o["id"], (None, None))[1]
        if not got:
            continue
        wh = regs[o["code"]] - (got.get("meter_start_wh") or 0)
        ok = got["energy_wh"] == wh and got["electricity_fen"] == fee(wh, 10000) and got["service_fen"] == fee(wh, 5000)
        if ok:
            exact += 1
        else:
            wrong.append({"order": o["id"], "energy_wh": got["energy_wh"], "sim_wh": wh,
                          "electricity_fen": got["electricity_fen"], "service_fen": got["service_fen"]})
    ctx.log(f"  bills exact: {exact}/{k}")
    s2c = [v[0] for v in charging.values()]
    s2s = [v[0] for v in settled.values()]
    db = ctx.args.db
    return {"figures": [
        {"figure": f"sessions/s ({k} concurrent, {db})", "value": round(len(settled) / took, 1), "unit": "sessions/s"},
        {"figure": "start-to-charging p50 / p99", "value": f"{pct(s2c, 50)} / {pct(s2c, 99)}", "unit": "s"},
        {"figure": "stop-to-settled p50 / p99", "value": f"{pct(s2s, 50)} / {pct(s2s, 99)}", "unit": "s"},
        {"figure": "bills exact (energy and amounts vs the simulator)", "value": f"{exact}/{k}", "target": "all",
         "met": exact == k}],
        "resolution_s": round(max(res1, res2), 2), "cpu": cpu, "wrong": wrong[:20], "k": k, "took_s": round(took, 1)}
