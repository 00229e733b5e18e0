# One order of the demo driver: start on SH-AC-01/1 (the demo simulator charges), wait, stop, settled.
import sys, time
from api import client
# usage: order.py HTTP_PORT OUT_FILE (writes the driver token and the order id)
port = int(sys.argv[1])
call = client(port)
st, d = call("POST", "/api/v1/auth/driver/login", {"phone": "13800138000", "password": "Demo1234"}); tok = d["token"]
st, o = call("POST", "/api/v1/orders", {"charger_code": "SH-AC-01", "connector": 1}, tok); print(st, o)
oid = o["id"]
for _ in range(60):
    time.sleep(1); st, o = call("GET", f"/api/v1/orders/{oid}", token=tok)
    if o["state"] == "charging" and o.get("energy_wh", 0) > 0: break
print("charging", o.get("energy_wh"))
st, x = call("POST", f"/api/v1/orders/{oid}/stop", token=tok); print("stop", st)
for _ in range(60):
    time.sleep(1); st, o = call("GET", f"/api/v1/orders/{oid}", token=tok)
    if o["state"] == "settled": break
print("final", o["state"], oid)
open(sys.argv[2], "w").write(tok + "\n" + str(oid) + "\n")
