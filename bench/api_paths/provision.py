# Provision the API benchmark: 2,000 stations / 10,000 chargers (2 connectors each) through the
# admin API, live state of every charger in Redis (online, connector status) as the device handlers
# write it, and one settled order of the demo driver (the demo simulator charging SH-AC-01).
import random, subprocess, sys, time
from api import client
# usage: provision.py HTTP_PORT REDIS_PORT REDIS_PASSWORD  (a server started with --demo)
port, redis_port, redis_password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
call = client(port)
st, a = call("POST", "/api/v1/auth/staff/login", {"login": "admin", "password": "Admin1234"}); admin = a["token"]
st, t = call("GET", "/api/v1/admin/tariffs", token=admin); tariff = t["items"][0]["id"]
rnd = random.Random(7)
t0 = time.time(); codes = []
for i in range(2000):
    st, s = call("POST", "/api/v1/admin/stations", {"name": f"Bench {i}", "address": f"{i} Bench Road",
        "lng": round(121.47 + rnd.uniform(-0.2, 0.2), 6), "lat": round(31.23 + rnd.uniform(-0.2, 0.2), 6),
        "timezone": "Asia/Shanghai", "opening_hours": "00:00-24:00", "tariff_id": tariff}, admin)
    assert st == 201, (st, s)
    for j in range(5):
        code = f"B{i:04d}-{j}"
        kind = "DC" if j == 0 else "AC"
        st, ch = call("POST", "/api/v1/admin/chargers", {"code": code, "station_id": s["id"], "kind": kind,
            "rated_w": 120000 if kind == "DC" else 7000, "connectors": 2}, admin)
        assert st == 201, (st, ch)
        codes.append(code)
    if i % 200 == 0: print("stations", i, "chargers", len(codes), round(time.time() - t0, 1), "s", flush=True)
print("provisioned", len(codes), "chargers in", round(time.time() - t0, 1), "s")
# Live state: what heartbeat + status handlers write (live/state.hpp), with a long TTL.
cmds = []
for k, code in enumerate(codes):
    cmds.append(f"SET kw:online:{code} 1 EX 86400")
    for n in (1, 2):
        status = "charging" if (k + n) % 3 == 0 else "available"
        cmds.append(f"HSET kw:conn:{code}:{n} status {status} power_w {6800 if status == 'charging' else 0} "
                    f"energy_wh {1000 + k} at 1764400000000")
subprocess.run(["redis-cli", "-p", str(redis_port), "-a", redis_password, "--no-auth-warning", "--pipe"],
               input="\n".join(cmds) + "\n", text=True, check=True, capture_output=True)
print("redis live state written")
