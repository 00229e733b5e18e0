"""The fault harness's ground truth: every tx event the chargers publish, recorded by mosquitto_sub
as the server's broker account (it may read kw/#), replays included. A charger's `ended` event
carries its own register at the start and at the end, so meter_wh - meter_start_wh is the energy
the charger delivered, whatever the server saw. OCPP 1.6J stations' events are the edge's
(kilowatt-ocpp publishes them as the station): `started` carries the StartTransaction's meterStart
and `ended` the StopTransaction's meterStop, copied; an `ended` the edge published without
meter_start_wh (the StartTransaction went through an edge process that has died since, or a
WebSocket that has closed) takes the `started` event's reading, and when both are there and
disagree the event is reported (an edge bug). mosquitto_sub gets its password from an options
file (XDG_CONFIG_HOME/mosquitto_sub, mode 0600), never on its command line; it is started again
whenever it exits (e.g. when the broker restarts)."""
import json
import os
import threading
import time

from .stack import Proc, which


class TxLog:
    def __init__(self, stack):
        self.stack = stack
        conf_dir = stack.path("txlog-conf")
        os.makedirs(conf_dir, mode=0o700, exist_ok=True)
        with open(os.open(os.path.join(conf_dir, "mosquitto_sub"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                  "w") as f:
            f.write(f"-h 127.0.0.1\n-p {stack.mqtt_port}\n-u {stack.mqtt_user}\n-P {stack.mqtt_password}\n")
        self.env = dict(os.environ, XDG_CONFIG_HOME=conf_dir)
        self.out = stack.path("tx-events.log")
        self.argv = [which("mosquitto_sub"), "-t", "kw/v1/+/tx", "-q", "1", "-v", "-i", "kw-faults-txlog"]
        self.done = threading.Event()
        self.proc = None
        self._start()
        threading.Thread(target=self._watch, daemon=True).start()

    def _start(self):
        # Proc appends its output to the log: the recording survives restarts.
        self.proc = Proc("txlog", self.argv, self.out, env=self.env)

    def _watch(self):
        while not self.done.wait(0.5):
            if self.proc.poll() is not None:
                self._start()

    def stop(self):
        self.done.set()
        self.proc.stop(5)

    def events(self):
        """(code, event) of every tx event recorded, in order."""
        with open(self.out, errors="replace") as f:
            for line in f:
                topic, _, payload = line.partition(" ")
                if not topic.endswith("/tx"):
                    continue
                try:
                    e = json.loads(payload)
                except ValueError:
                    continue
                if isinstance(e, dict) and e.get("order_id"):
                    yield topic.split("/")[2], e

    def ended(self):
        """{order_id: {"code", "tx_id", "energy_wh", "reason"}} of every `ended` event recorded whose
        start reading is known (its own meter_start_wh, else its `started` event's meter_wh).
        self.start_mismatch lists the orders whose two start readings differ, self.no_start those
        with neither."""
        started, ended = {}, {}
        for code, e in self.events():
            oid = int(e["order_id"])
            if e.get("event") == "started" and "meter_wh" in e:
                started.setdefault(oid, int(e["meter_wh"]))
            elif e.get("event") == "ended":
                ended[oid] = (code, e)
        out, self.start_mismatch, self.no_start = {}, [], []
        for oid, (code, e) in ended.items():
            start = int(e["meter_start_wh"]) if "meter_start_wh" in e else started.get(oid)
            if start is None:
                self.no_start.append(oid)
                continue
            if oid in started and started[oid] != start:
                self.start_mismatch.append(f"{oid} ({code}): started {started[oid]} Wh, ended says {start} Wh")
            out[oid] = {"code": code, "tx_id": e.get("tx_id"), "energy_wh": int(e["meter_wh"]) - start,
                        "reason": e.get("reason")}
        return out


def wait_quiet(path, quiet_s, timeout_s):
    """Until the file stopped growing for quiet_s (or timeout_s passed)."""
    deadline, last, since = time.time() + timeout_s, -1, time.time()
    while time.time() < deadline:
        size = os.path.getsize(path) if os.path.exists(path) else 0
        if size != last:
            last, since = size, time.time()
        elif time.time() - since >= quiet_s:
            return True
        time.sleep(0.2)
    return False
