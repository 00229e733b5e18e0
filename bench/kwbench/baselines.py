"""The yardsticks measured in the same run, on the same machine, with the same bytes: nginx
serving a response as a static file (same wrk settings), Mosquitto delivering the same meter
messages to a bare counting subscriber, redis-benchmark for the server's command mix. Also the
wrk runner both sides of the HTTP comparison use."""
import json
import os
import re
import subprocess
import time

from . import stack as stk

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return round(float(m.group(1)) * UNITS[m.group(2)], 3) if m else None


def wrk(url, threads, conns, seconds, token=None, rate=None, workdir="/tmp"):
    """wrk --latency; with rate, a Lua script paces every connection so the total is about `rate`
    requests/s (wrk2 is not in Debian). Returns {rps, p50_ms, p99_ms, requests, errors}."""
    argv = [stk.which("wrk"), f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency"]
    if token:
        argv += ["-H", f"Authorization: Bearer {token}"]
    if rate:
        script = os.path.join(workdir, f"pace-{rate}.lua")
        # delay() is asked before each request of a connection: conns / rate seconds apart.
        with open(script, "w") as f:
            f.write(f"function delay()\n  return {1000.0 * conns / rate:.3f}\nend\n")
        argv += ["-s", script]
    out = subprocess.run(argv + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    res = {"url": url, "threads": threads, "connections": conns, "seconds": seconds, "paced_rate": rate}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else None
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        res[f"p{pct}_ms"] = _ms(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", out)
    res["socket_errors"] = m.group(1) if m else ""
    # wrk's latency table only holds requests answered within its 2 s timeout: when they all timed
    # out it prints 0.00us, which is no latency at all.
    m = re.search(r"timeout (\d+)", res["socket_errors"])
    res["timeouts"] = int(m.group(1)) if m else 0
    if res["timeouts"] and res["timeouts"] >= res["requests"]:
        res["p50_ms"] = res["p99_ms"] = None
    return res


class Nginx:
    """nginx (Debian nginx-light) as a non-daemon child on a free port, serving files from a
    folder of the stack's temp dir."""

    def __init__(self, stack, workers="auto"):
        self.root = stack.path("nginx-root")
        os.makedirs(self.root, exist_ok=True)
        d = stack.path("nginx")
        os.makedirs(d, exist_ok=True)
        self.port = stk.free_port()
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(("user root;\n" if os.geteuid() == 0 else "") +
                    f"worker_processes {workers};\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n"
                    "events { worker_connections 4096; }\n"
                    "http {\n access_log off;\n sendfile on;\n keepalive_requests 1000000;\n"
                    f" client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;\n"
                    f" uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n"
                    f" server {{ listen 127.0.0.1:{self.port}; root {self.root}; default_type application/json; }}\n"
                    "}\n")
        self.proc = stack._start("nginx", [stk.which("nginx"), "-p", d, "-c", conf])
        stk.wait_until(lambda: stk.port_open(self.port), 20, "nginx", self.proc)

    def serve(self, name, body):
        with open(os.path.join(self.root, name), "wb") as f:
            f.write(body)
        return f"http://127.0.0.1:{self.port}/{name}"


def mqtt_broker_only(ctx, flood_csv, qos, seconds, tag=""):
    """Mosquitto alone (a fresh broker, same config and account store) delivering the flood to
    kw-bench-mqtt-count. Returns the counter's and the flood's summaries. `tag` names a second
    baseline of the same run apart (its broker's folder and log)."""
    stack = ctx.stack
    name = f"mosquitto-baseline{tag}-q{qos}"
    proc, port, user, password = stack.start_mosquitto(name, accounts=stack.broker_accounts)
    if stack.broker_accounts == "dynsec":
        # One account that may publish and subscribe under kw/, like the server's and chargers' roles together.
        stack.dynsec(port, user, password, "createClient", "bench", "-p", "bench-pass")
        stack.dynsec(port, user, password, "createRole", "bench")
        for acl in ("publishClientSend", "subscribePattern", "publishClientReceive"):
            stack.dynsec(port, user, password, "addRoleACL", "bench", acl, "kw/#", "allow")
        stack.dynsec(port, user, password, "addClientRole", "bench", "bench")
        user, password = "bench", "bench-pass"
    # else the file's one account (the server's: readwrite kw/#) publishes and counts
    try:
        counted = count_while_flooding(ctx, port, user, password, flood_csv, qos, seconds,
                                       flood_auth=(user, password))
        counted["broker_cpu"] = ctx.last_cpu.get(name)
        return counted
    finally:
        proc.stop()
        stack.procs.remove(proc)


def count_while_flooding(ctx, port, user, password, flood_csv, qos, seconds, flood_auth=None, final=None):
    """Starts the counter, then the flood; returns {"count": …, "flood": …} and leaves the CPU
    spent by everyone in ctx.last_cpu."""
    ready = ctx.stack.path(f"count-ready-{time.time_ns()}")
    count = subprocess.Popen([ctx.tool("kw-bench-mqtt-count"), "--port", str(port), "--user", user, "--password",
                              password, "--qos", str(qos), "--seconds", str(seconds + 30), "--idle", "3",
                              "--ready-file", ready], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stk.wait_until(lambda: os.path.exists(ready), 20, "kw-bench-mqtt-count subscribed")
    fl = flood(ctx, port, flood_csv, qos, seconds, auth=flood_auth, final=final)
    out, _ = count.communicate(timeout=seconds + 60)
    return {"count": json.loads(out.strip().splitlines()[-1]), "flood": fl}


def flood(ctx, port, flood_csv, qos, seconds, rate=0, auth=None, final=None, end=False, extra=()):
    argv = [ctx.tool("kw-bench-mqtt-flood"), "--port", str(port), "--chargers", flood_csv, "--qos", str(qos),
            "--seconds", str(seconds), "--rate", str(rate), "--threads", "1", *extra]
    if end:
        argv.append("--end")
    if auth:
        argv += ["--user", auth[0], "--password", auth[1]]
    if final:
        argv += ["--final", final]
    a = ctx.meter.take()
    t0 = time.time()
    r = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 120)
    if r.returncode != 0:
        raise RuntimeError(f"kw-bench-mqtt-flood failed: {r.stderr[-2000:]}")
    ctx.last_cpu = ctx.meter.delta(a, ctx.meter.take(), time.time() - t0)
    return json.loads(r.stdout.strip().splitlines()[-1])


def redis_benchmark(stack, commands, requests, clients=50):
    """redis-benchmark for each command of the mix (one connection pool, no pipelining: the
    server sends them as separate round trips or small pipelines). Returns {command: ops/s}."""
    out = {}
    env = dict(os.environ, REDISCLI_AUTH=stack.redis_password)
    for name, argv in commands.items():
        where = ["-s", stack.redis_socket_path] if stack.redis_socket else ["-p", str(stack.redis_port)]
        r = subprocess.run([stk.which("redis-benchmark"), *where, "-a", stack.redis_password,
                            "-n", str(requests), "-c", str(clients), "-q", "--csv", *argv],
                           capture_output=True, text=True, env=env, timeout=300)
        m = re.search(r'"[^"]*","([\d.]+)"', r.stdout)
        out[name] = float(m.group(1)) if m else None
    return out
