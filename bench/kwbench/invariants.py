"""What must hold after every fault, read from MariaDB (the truth the server keeps) and from the
chargers' own tx events (kwbench/txlog.py). Each check returns the ids that break it; none may."""
import subprocess
import time
import urllib.parse

from .stack import which

ACTIVE = ("starting", "charging", "stopping")


def sql(stack, query):
    u = urllib.parse.urlparse(stack.db_url)
    out = subprocess.run([which("mariadb"), "--no-defaults", "-h", u.hostname, "-P", str(u.port), "-u", u.username,
                          "-N", "-B", "-e", query, u.path.lstrip("/")], check=True, capture_output=True, text=True)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def still_active(stack, ids):
    """The orders among ids that are still starting, charging or stopping."""
    if not ids:
        return []
    q = ",".join(map(str, ids))
    return [int(r[0]) for r in sql(stack, f"SELECT id FROM orders WHERE id IN ({q}) "
                                          "AND state IN ('starting','charging','stopping')")]


def schedules(stack, ids):
    """[(schedule id, state, order id or None)] of the given schedules."""
    if not ids:
        return []
    q = ",".join(map(str, ids))
    return [(int(r[0]), r[1], int(r[2]) if r[2] != "NULL" else None)
            for r in sql(stack, f"SELECT id, state, order_id FROM schedules WHERE id IN ({q})")]


def check(stack, ended, charging, watchers):
    """{invariant: [offending ids or descriptions]} plus counts, given the recorded ended events,
    what the chargers charge now ({order id: "code/connector"} from the simulators' status) and the
    WebSocket watchers (kwbench/wswatch.py)."""
    orders = {int(r[0]): {"state": r[1], "energy_wh": int(r[2]), "stop_reason": r[3], "driver": int(r[4])}
              for r in sql(stack, "SELECT id, state, energy_wh, COALESCE(stop_reason,''), driver_id FROM orders")}
    out = {}
    # Every session settles exactly once: at most one charge row in the ledger per order.
    out["settled exactly once"] = [int(r[0]) for r in sql(
        stack, "SELECT order_id FROM wallet_ledger WHERE reason='charge' GROUP BY order_id HAVING COUNT(*) > 1")]
    # Billed energy = the charger's own ended event (for orders its ended event reached the server).
    wrong = []
    for oid, e in ended.items():
        o = orders.get(oid)
        if o and o["state"] == "settled" and o["energy_wh"] != e["energy_wh"]:
            wrong.append(f"{oid}: billed {o['energy_wh']} Wh, charger {e['energy_wh']} Wh ({o['stop_reason']})")
    out["billed energy = charger's"] = wrong
    # Each driver's ledger sums to the balance; no wallet below zero.
    out["ledger sum = balance"] = [int(r[0]) for r in sql(
        stack, "SELECT d.id FROM drivers d LEFT JOIN wallet_ledger l ON l.driver_id = d.id "
               "GROUP BY d.id, d.balance_fen HAVING d.balance_fen <> COALESCE(SUM(l.delta_fen), 0)")]
    out["no negative wallet"] = [int(r[0]) for r in sql(stack, "SELECT id FROM drivers WHERE balance_fen < 0")]
    # No order left active once its charger reported it ended.
    out["ended -> not active"] = [oid for oid in ended if orders.get(oid, {}).get("state") in ACTIVE]
    # No charger left charging a session the server has closed (its stop was lost, it settled by a
    # timeout): the energy would be free and the connector blocked.
    out["charger charges a closed order"] = [f"{oid} ({where}, {orders[oid]['state']})" for oid, where in charging.items()
                                             if oid in orders and orders[oid]["state"] not in ACTIVE]
    # Order times on the server's clock (chargers' clocks may be wrong, the clock-skew fault): no
    # session stopped after the server settled it, none started after it stopped.
    out["order times on the server's clock"] = [int(r[0]) for r in sql(
        stack, "SELECT id FROM orders WHERE state = 'settled' AND (stopped_at > settled_at OR started_at > stopped_at)")]
    # Every schedule fired at most once, and none was forgotten: two minutes after its time each one
    # has fired (an order) or failed (with its reason), whatever was down when it was due (a schedule
    # an instance died firing is finished by another after 60 s).
    out["schedule fired <= once"] = [int(r[0]) for r in sql(
        stack, "SELECT schedule_id FROM orders WHERE schedule_id IS NOT NULL GROUP BY schedule_id HAVING COUNT(*) > 1")]
    now_ms = int(time.time() * 1000)
    out["schedule fired or failed in time"] = [int(r[0]) for r in sql(
        stack, f"SELECT id FROM schedules WHERE state IN ('pending','firing') AND start_at < {now_ms - 120_000}")]
    fired = sql(stack, "SELECT CONCAT(state, COALESCE(CONCAT(' (', fail_reason, ')'), '')), COUNT(*) FROM schedules "
                       "GROUP BY state, fail_reason")
    # No WebSocket client received another driver's order (nor could subscribe to one).
    out["no WS push of another driver's order"], ws_counts = watchers.check({k: o["driver"] for k, o in orders.items()})
    counts = {"orders": len(orders), "settled": sum(1 for o in orders.values() if o["state"] == "settled"),
              "active": sum(1 for o in orders.values() if o["state"] in ACTIVE),
              "ended events": len(ended),
              "ended, order settled": sum(1 for oid in ended if orders.get(oid, {}).get("state") == "settled"),
              **{f"schedules {state}": int(n) for state, n in fired}, **ws_counts}
    return out, counts
