#!/usr/bin/env python3
"""A stand-in for the Kilowatt server, for checking kilowatt-sim by hand without one (no dependencies:
a minimal MQTT 3.1.1 client over a plain socket). Answers every boot with boot_result accepted, acks
every tx event with tx_ack, sends a start to every Nth charger that boots, and prints message counts
every 5 s. Usage: fake_server.py BROKER_PORT [START_EVERY_N (0: none)] [SECONDS]. Not a test."""
import socket, struct, sys, time, json, collections, random
port = int(sys.argv[1]); start_every = int(sys.argv[2]) if len(sys.argv) > 2 else 0
duration = float(sys.argv[3]) if len(sys.argv) > 3 else 120
s = socket.create_connection(("127.0.0.1", port))
def enc_len(n):
    out = bytearray()
    while True:
        b = n % 128; n //= 128
        out.append(b | (0x80 if n else 0))
        if not n: return bytes(out)
def mstr(x): x = x.encode(); return struct.pack("!H", len(x)) + x
def send(t, body): s.sendall(bytes([t]) + enc_len(len(body)) + body)
send(0x10, mstr("MQTT") + bytes([4, 2]) + struct.pack("!H", 0) + mstr("fakeserver"))
buf = bytearray()
def read_packet():
    global buf
    while True:
        if len(buf) >= 2:
            mult, n, i = 1, 0, 1
            while i < len(buf):
                b = buf[i]; n += (b & 127) * mult; mult *= 128; i += 1
                if not b & 0x80: break
            else:
                i = None
            if i is not None and len(buf) >= i + n:
                pkt = (buf[0], bytes(buf[i:i + n])); del buf[:i + n]; return pkt
        d = s.recv(65536)
        if not d: raise SystemExit("closed")
        buf += d
t, _ = read_packet(); assert t == 0x20
for i, topic in enumerate(["kw/v1/+/boot", "kw/v1/+/tx", "kw/v1/+/heartbeat", "kw/v1/+/meter", "kw/v1/+/ack", "kw/v1/+/state", "kw/v1/+/status"]):
    send(0x82, struct.pack("!H", i + 1) + mstr(topic) + b"\x00")
counts = collections.Counter(); booted = set(); order = 1000; t0 = time.time(); last = t0
s.settimeout(1.0)
while time.time() - t0 < duration:
    try:
        t, body = read_packet()
    except socket.timeout:
        t = None
    if t is not None and t >> 4 == 3:
        tl = struct.unpack("!H", body[:2])[0]; topic = body[2:2 + tl].decode(); payload = body[2 + tl:]
        code, kind = topic.split("/")[2], topic.split("/")[3]
        counts[kind] += 1
        if kind == "boot":
            booted.add(code)
            send(0x30, mstr(f"kw/v1/{code}/cmd") + json.dumps({"cmd": "boot_result", "status": "accepted", "heartbeat_s": 30, "server_time": "x"}).encode())
            if start_every and len(booted) % start_every == 0:
                order += 1
                send(0x30, mstr(f"kw/v1/{code}/cmd") + json.dumps({"cmd": "start", "corr": f"o{order}-start", "connector": 1, "order_id": order}).encode())
        elif kind == "tx":
            ev = json.loads(payload); counts["tx_" + ev["event"]] += 1
            send(0x30, mstr(f"kw/v1/{code}/cmd") + json.dumps({"cmd": "tx_ack", "tx_id": ev["tx_id"], "seq": ev["seq"]}).encode())
    if time.time() - last >= 5:
        last = time.time()
        print(f"t={last - t0:5.0f}s booted={len(booted)} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())), flush=True)
