"""The faults the fault harness (bench/faults.py) injects, each a function(harness) that breaks
something and puts it back, returning what it did. The harness measures the recovery afterwards."""
import os
import shutil
import time

from .stack import port_open, wait_ready, wait_until


def kill_one_instance(h):
    """kill -9 of one server instance; the other carries on; the killed one is restarted 2 s later."""
    victim = h.rng.choice([h.stack.server] + h.stack.extra_servers)
    new = h.stack.restart(victim, crash=True, pause_s=2)
    wait_ready(new, new.http_port, 120)
    return f"killed {victim.name}"


def kill_both_instances(h):
    """kill -9 of both instances, restart after 2 s."""
    procs = [h.stack.server] + h.stack.extra_servers
    for p in procs:
        p.kill()
    time.sleep(2)
    for p in procs:
        new = h.stack.restart(p, crash=True)
        wait_ready(new, new.http_port, 120)
    return "killed " + ", ".join(p.name for p in procs)


def broker_restart(h):
    """Mosquitto stopped and started (no persistence here: every client reconnects; chargers replay)."""
    new = h.stack.restart(h.stack.broker, pause_s=1)
    wait_until(lambda: port_open(h.stack.mqtt_port), 20, "mosquitto", new)
    return "broker restarted"


def _redis(h, keep_data):
    """kill -9 of Redis, restarted 1 s later: with its append-only file (the shipped config: what was
    written up to a second before the crash is kept, login tokens included), or with no data at all."""
    if keep_data:
        time.sleep(1.5)  # appendfsync everysec: what was written over a second ago is on disk
    else:
        d = h.stack.path("redis")
        shutil.rmtree(os.path.join(d, "appendonlydir"), ignore_errors=True)  # Redis 7's AOF
        if os.path.exists(os.path.join(d, "dump.rdb")):
            os.remove(os.path.join(d, "dump.rdb"))
    new = h.stack.restart(h.stack.redis, crash=True, pause_s=1)
    wait_until(lambda: port_open(h.stack.redis_port), 20, "redis", new)
    if not keep_data:  # every login so far is gone: a 401 for one of them is expected
        h.lost_tokens |= {d["token"] for d in h.drivers} | {h.fleet.token}
    return "Redis killed and restarted " + ("with its append-only file" if keep_data else "empty")


def redis_restart_persistent(h):
    return _redis(h, True)


def redis_restart_empty(h):
    return _redis(h, False)


def mariadb_restart(h):
    new = h.stack.restart(h.stack.mariadb, pause_s=1)
    wait_until(lambda: h.db_port_open(), 60, "mariadbd", new)
    return "MariaDB restarted"


def database_outage(h):
    """MariaDB down for h.outage_s (stopped, then started again)."""
    new = h.stack.restart(h.stack.mariadb, pause_s=h.outage_s)
    wait_until(lambda: h.db_port_open(), 60, "mariadbd", new)
    return f"MariaDB down {h.outage_s} s"


def network_cut(h):
    """The servers lose the broker for h.cut_s (their TCP connections reset, reconnects refused)."""
    h.proxy.cut()
    time.sleep(h.cut_s)
    h.proxy.heal()
    return f"server<->broker cut {h.cut_s} s"


def simulator_crash(h):
    """kill -9 of every simulator process at once (the kw-mqtt/1 chargers' and the OCPP stations'):
    the broker publishes the kw-mqtt/1 chargers' wills, the edge sees the OCPP stations' sockets
    close and drops their MQTT connections (their wills); restarted 5 s later (a power-up: new boot
    ids, a BootNotification for OCPP: their sessions are over, settled at the last meter value)."""
    sims = list(h.stack.sims)
    for sim in sims:
        sim.kill()
    time.sleep(5)
    for sim in sims:
        new = h.stack.restart(sim, crash=True)
        wait_until(lambda: port_open(new.control_port), 30, "kilowatt-sim control port", new)
    return f"{len(sims)} simulator processes killed, restarted"


def edge_crash(h):
    """kill -9 of the OCPP edge (kilowatt-ocpp), restarted h.edge_pause_s later on its port: the
    broker publishes the wills of every OCPP station's MQTT connection; the stations (the simulator's
    OCPP charge points, which keep running) reconnect with their backoff, without a BootNotification
    (OCPP 1.6 4.2), and send again what was not answered (StopTransaction is answered only once the
    core stored it). Everything the edge kept in memory is gone: the transactions it saw start, the
    tx events not yet acknowledged, the commands in flight. Besides the round's stops, a tenth (at
    least one) of the sessions on OCPP stations are stopped just before the kill (their
    RemoteStopTransaction / StopTransaction in flight) and as many while the edge is down (the core's
    stop has nobody to go to until the station is back)."""
    if not getattr(h.stack, "ocpp", None):
        return "not applicable: no OCPP chargers (--ocpp-share 0)"
    on_ocpp = sorted(oid for oid, (_, (code, _k)) in h.active.items() if code in h.ocpp_codes)
    k = max(1, len(on_ocpp) // 10) if on_ocpp else 0
    before, during = on_ocpp[:k], on_ocpp[k:2 * k]

    def stop(ids):
        for oid in ids:
            driver, _ = h.active.pop(oid)
            h.call("POST", f"/api/v1/orders/{oid}/stop", driver=driver)
            h.fault_stopped.append(oid)
    stop(before)
    h.stack.ocpp.kill()
    stop(during)
    new = h.stack.restart(h.stack.ocpp, crash=True, pause_s=h.edge_pause_s)
    h.stack.wait_ocpp(new)
    return (f"kilowatt-ocpp killed, restarted {h.edge_pause_s} s later; {len(before)} + {len(during)} "
            f"OCPP sessions stopped just before / during")


def clock_skew(h):
    """Half the chargers' clocks 5 minutes wrong (+300 s and -300 s in turn), set at runtime like a
    clock that jumps, for the whole round: sessions run for h.skew_hold_s on them, a fifth of those
    on skewed chargers are stopped (their ended events carry the wrong clock), the recovery and the
    invariants are measured still skewed; the clocks are put right after the round (h.after_round)."""
    skewed, n = set(), 0
    for sim in h.stack.sims:
        # Every other charger of each simulator process (so OCPP stations are among them), ahead and
        # behind in turn; an OCPP process starts with one behind (its times then look like messages
        # the station kept offline: the edge marks them `queued`).
        sign = -1 if sim.name.startswith("sim-ocpp") else 1
        for m, c in enumerate(h.stack.sim_control(sim, "status")["chargers"]):
            if m % 2 == 0:
                offset = sign * (300 if m % 4 == 0 else -300)
                h.stack.sim_control(sim, f"clock {c['code']} {offset}")
                skewed.add(c["code"])
            n += 1
    h.after_round.append(lambda: [h.stack.sim_control(sim, "clock all 0") for sim in h.stack.sims])
    time.sleep(h.skew_hold_s)
    on_skewed = sorted(oid for oid, (_, (code, _k)) in h.active.items() if code in skewed)
    for oid in on_skewed[:max(1, len(on_skewed) // 5)]:
        driver, _ = h.active.pop(oid)
        h.call("POST", f"/api/v1/orders/{oid}/stop", driver=driver)
        h.fault_stopped.append(oid)
    return f"{len(skewed)} of {n} chargers' clocks 300 s ahead/behind for {h.skew_hold_s} s + the round"


FAULTS = {
    "kill-one": kill_one_instance,
    "kill-both": kill_both_instances,
    "broker-restart": broker_restart,
    "redis-restart": redis_restart_persistent,
    "redis-restart-empty": redis_restart_empty,
    "mariadb-restart": mariadb_restart,
    "db-outage": database_outage,
    "net-cut": network_cut,
    "sim-crash": simulator_crash,
    "clock-skew": clock_skew,
    "edge-crash": edge_crash,
}
