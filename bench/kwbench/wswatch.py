"""WebSocket watchers for the fault harness: some drivers keep a live connection (to either instance,
reconnecting after every fault, as the app does) subscribed to their own orders, and once per
connection try to subscribe to another driver's order. Everything they receive is recorded, so the
invariant "no WebSocket client received another driver's order" is checked against SQL afterwards.
Uses Debian's python3-websocket (websocket-client)."""
import json
import queue
import random
import threading
import time

import websocket

MAX_SUBSCRIPTIONS = 60  # the server allows 64 per connection


class Watcher(threading.Thread):
    def __init__(self, driver, ports, other_order):
        super().__init__(daemon=True)
        self.driver, self.ports, self.other_order = driver, ports, other_order
        self.orders = []  # this driver's orders, newest last
        self.todo = queue.Queue()
        self.received = []  # (order id, event) of every order push received
        self.foreign_subscribed = []  # another driver's order the server let us subscribe to
        self.connections = 0
        self.stopping = False

    def watch(self, order_id):
        self.todo.put(order_id)

    def run(self):
        while not self.stopping:
            try:
                self.session()
            except (OSError, websocket.WebSocketException):
                pass  # the instance died or the token was lost: again, maybe on the other instance
            time.sleep(1)

    def session(self):
        port = random.choice(self.ports())
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/api/v1/ws", timeout=5,
                                         header=[f"Authorization: Bearer {self.driver['token']}"])
        self.connections += 1
        try:
            for oid in self.orders[-MAX_SUBSCRIPTIONS:]:
                ws.send(json.dumps({"op": "subscribe", "channel": f"order:{oid}"}))
            foreign = self.other_order()
            if foreign:
                ws.send(json.dumps({"op": "subscribe", "channel": f"order:{foreign}"}))
            ws.settimeout(0.5)
            while not self.stopping:
                while not self.todo.empty():
                    oid = self.todo.get()
                    self.orders.append(oid)
                    ws.send(json.dumps({"op": "subscribe", "channel": f"order:{oid}"}))
                try:
                    text = ws.recv()
                except websocket.WebSocketTimeoutException:
                    continue
                if not text:  # closed (the instance stopped, or revoked the session): connect again
                    return
                self.receive(json.loads(text), foreign)
        finally:
            ws.close()

    def receive(self, msg, foreign):
        channel = msg.get("channel", "")
        if msg.get("op") == "subscribed" and channel == f"order:{foreign}":
            self.foreign_subscribed.append(foreign)
        if "event" in msg and channel.startswith("order:"):
            data = msg.get("data") or {}
            oid = data.get("order_id", data.get("id"))
            self.received.append((int(oid) if oid is not None else int(channel[6:]), msg["event"]))


class Watchers:
    """k drivers watched; watch(driver, order) subscribes a watched driver to a new order of theirs."""

    def __init__(self, drivers, ports, owners, k=40):
        self.owners = owners  # callable: {order id: driver id} of orders known to the harness
        self.by_driver = {}
        for d in drivers[:k]:
            w = Watcher(d, ports, lambda d=d: self.foreign_order(d["id"]))
            self.by_driver[d["id"]] = w
            w.start()

    def foreign_order(self, driver_id):
        others = [oid for oid, did in self.owners().items() if did != driver_id]
        return random.choice(others) if others else None

    def watch(self, driver, order_id):
        w = self.by_driver.get(driver["id"])
        if w:
            w.watch(order_id)

    def stop(self):
        for w in self.by_driver.values():
            w.stopping = True

    def check(self, order_driver):
        """Violations given {order id: driver id} from SQL: pushes of another driver's order received,
        and subscriptions to one the server accepted. Also the counts."""
        bad = []
        pushes = 0
        for did, w in self.by_driver.items():
            for oid, event in list(w.received):
                pushes += 1
                if order_driver.get(oid) != did:
                    bad.append(f"driver {did} got {event} of order {oid} (driver {order_driver.get(oid)})")
            bad += [f"driver {did} subscribed to order {oid} of another driver" for oid in w.foreign_subscribed]
        counts = {"ws clients": len(self.by_driver), "ws pushes": pushes,
                  "ws connections": sum(w.connections for w in self.by_driver.values())}
        return bad, counts
