"""connect: N chargers (kilowatt-sim processes) connect, boot and heartbeat. Time until the admin
dashboard counts them all online, the server's RSS (and per charger), and the CPU everyone spends
while the chargers only heartbeat (every 30 s, the server's default)."""
import time

from .. import procstat


def run(ctx):
    n = len(ctx.fleet.chargers)
    rss_before = procstat.cpu_rss(ctx.stack.server.pid)[1]
    t0 = time.time()
    ctx.start_sims()
    online, last_log = 0, 0.0
    while online < n and time.time() - t0 < ctx.p["online_timeout_s"]:
        time.sleep(0.25)
        online = ctx.fleet.online()
        if time.time() - last_log >= 2:
            ctx.log(f"  chargers online: {online}/{n}")
            last_log = time.time()
    took = time.time() - t0
    ctx.log(f"  {online}/{n} online after {took:.1f} s")
    if online < n:
        raise RuntimeError(f"only {online}/{n} chargers online after {took:.0f} s")

    window = ctx.p["heartbeat_window_s"]
    ctx.log(f"  measuring {window} s of heartbeats only")
    a = ctx.meter.take()
    time.sleep(window)
    b = ctx.meter.take()
    cpu = procstat.Meter.delta(a, b, window)
    rss = cpu["kilowatt"]["rss_mb"]
    per_charger_kb = (rss - rss_before) * 1024 / n
    scale = f" (target for 10,000; N={n})" if n < 10000 else ""
    return {
        "n": n,
        "figures": [
            {"figure": "all chargers online", "value": round(took, 1), "unit": "s", "target": f"<= 60 s{scale}",
             "met": took <= 60},
            {"figure": "server RSS", "value": rss, "unit": "MB", "target": f"< 300 MB{scale}", "met": rss < 300},
            {"figure": "server RSS per charger (growth from empty)", "value": round(per_charger_kb, 1), "unit": "KB"},
            {"figure": "server CPU while heartbeating", "value": cpu["kilowatt"]["cpu_pct"], "unit": "% of a core",
             "target": f"< 10 %{scale}", "met": cpu["kilowatt"]["cpu_pct"] < 10},
        ],
        "cpu": cpu, "window_s": window, "rss_before_mb": rss_before,
    }
