"""api: GET /api/v1/stations/nearby (over all the run's stations and chargers) and
GET /api/v1/orders/{id} with a real driver token, with wrk, against nginx serving the same response
bytes as a static file with the same wrk settings; then the server paced at a fixed rate. The other
paths a driver's app calls most (/me, a station's detail) and /healthz (the HTTP layer alone) are
measured the same way at saturation, without a target: they show where the data paths stand."""
import time

from .. import baselines, provision


def run(ctx):
    p = ctx.p
    fleet = ctx.fleet
    ctx.ensure_online()
    driver = provision.register_drivers(fleet, 1, 100000, workers=1, offset=90_000_000)[0]
    api = provision.Api(fleet.port, driver["token"])
    # An order running on the first charger, so its detail is a live one.
    code = fleet.chargers[0]["code"]
    order = api.expect(201, "POST", "/api/v1/orders", {"charger_code": code, "connector": 1})
    deadline = time.time() + 30
    while api.expect(200, "GET", f"/api/v1/orders/{order['id']}")["state"] != "charging" and time.time() < deadline:
        time.sleep(0.2)
    nginx = baselines.Nginx(ctx.stack)
    targets = {
        "nearby": "/api/v1/stations/nearby?lng=121.4737&lat=31.2304&radius_m=50000&limit=20",
        "order": f"/api/v1/orders/{order['id']}",
    }
    others = {
        "me": "/api/v1/me",
        "station": f"/api/v1/stations/{fleet.stations[0]}",
        "healthz": "/healthz",
    }
    rows, detail = [], {}
    t, c, d = p["wrk_threads"], p["wrk_connections"], p["wrk_seconds"]
    for name, path in targets.items():
        status, body = api.call("GET", path, raw=True)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]}")
        static = nginx.serve(f"{name}.json", body)
        ctx.log(f"  wrk {name}: server (-t{t} -c{c} -d{d}s), {len(body)} bytes")
        a = ctx.meter.take()
        srv = baselines.wrk(ctx.stack.base_url + path, t, c, d, token=driver["token"], workdir=ctx.stack.dir)
        cpu_srv = ctx.meter.delta(a, ctx.meter.take(), d)
        ctx.log(f"    {srv['rps']} req/s p50 {srv['p50_ms']} ms p99 {srv['p99_ms']} ms; nginx, same bytes")
        a = ctx.meter.take()
        ngx = baselines.wrk(static, t, c, d, token=driver["token"], workdir=ctx.stack.dir)
        cpu_ngx = ctx.meter.delta(a, ctx.meter.take(), d)
        ctx.log(f"    nginx {ngx['rps']} req/s p50 {ngx['p50_ms']} ms p99 {ngx['p99_ms']} ms; paced {p['api_rate']}/s")
        a = ctx.meter.take()
        paced = baselines.wrk(ctx.stack.base_url + path, t, c, d, token=driver["token"], rate=p["api_rate"],
                              workdir=ctx.stack.dir)
        cpu_paced = ctx.meter.delta(a, ctx.meter.take(), d)
        ctx.log(f"    paced: {paced['rps']} req/s p50 {paced['p50_ms']} ms p99 {paced['p99_ms']} ms")
        ratio = round(srv["rps"] / ngx["rps"], 3) if srv["rps"] and ngx["rps"] else None
        rows += [
            {"figure": f"GET {name}: req/s", "value": srv["rps"], "unit": "req/s", "baseline": ngx["rps"],
             "baseline_name": "nginx, same bytes", "ratio": ratio, "target": ">= 0.5 of nginx",
             "met": ratio is not None and ratio >= 0.5},
            {"figure": f"GET {name}: p99 at saturation" + (f" ({srv['timeouts']} timed out, > 2 s)"
                                                           if srv["timeouts"] else ""),
             "value": srv["p99_ms"], "unit": "ms",
             "baseline": ngx["p99_ms"], "baseline_name": "nginx p99"},
            {"figure": f"GET {name}: p99 paced at {paced['rps']:.0f} req/s (asked {p['api_rate']})"
                       + (f" ({paced['timeouts']} timed out, > 2 s)" if paced["timeouts"] else ""),
             "value": paced["p99_ms"], "unit": "ms", "target": f"< 10 ms at {p['api_rate']} req/s",
             "met": paced["p99_ms"] is not None and paced["p99_ms"] < 10},
        ]
        detail[name] = {"bytes": len(body), "server": srv, "nginx": ngx, "paced": paced,
                        "cpu": {"server": cpu_srv, "nginx": cpu_ngx, "paced": cpu_paced}}
    for name, path in others.items():
        status, body = api.call("GET", path, raw=True)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]}")
        static = nginx.serve(f"{name}.json", body)
        srv = baselines.wrk(ctx.stack.base_url + path, t, c, d, token=driver["token"], workdir=ctx.stack.dir)
        ngx = baselines.wrk(static, t, c, d, token=driver["token"], workdir=ctx.stack.dir)
        ctx.log(f"  wrk {name} ({len(body)} bytes): {srv['rps']} req/s p99 {srv['p99_ms']} ms; "
                f"nginx {ngx['rps']} req/s")
        ratio = round(srv["rps"] / ngx["rps"], 3) if srv["rps"] and ngx["rps"] else None
        rows.append({"figure": f"GET {name}: req/s (no target)", "value": srv["rps"], "unit": "req/s",
                     "baseline": ngx["rps"], "baseline_name": "nginx, same bytes", "ratio": ratio})
        detail[name] = {"bytes": len(body), "server": srv, "nginx": ngx}
    api.call("POST", f"/api/v1/orders/{order['id']}/stop")
    nginx.proc.stop()
    ctx.stack.procs.remove(nginx.proc)
    return {"figures": rows, "detail": detail, "cpu": detail["nearby"]["cpu"]["server"],
            "stations": len(fleet.stations), "chargers": len(fleet.chargers)}
