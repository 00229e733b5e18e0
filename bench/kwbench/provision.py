"""Everything a scenario needs, created through the public API as an operator would: a tariff,
stations, chargers (the bulk import when the server has it, else one by one over a few
connections), OCPP chargers by the import's protocol column, drivers registered with the sandbox
SMS code, balances through the admin balance-adjustment API, RFID cards. Each step reports its rate."""
import concurrent.futures as cf
import http.client
import json
import math
import threading
import time

from . import stack as stk


class Api:
    """A keep-alive JSON client for one thread."""

    def __init__(self, port, token=None):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None, token=None, content_type="application/json", raw=False):
        headers = {}
        tok = token or self.token
        if tok:
            headers["Authorization"] = f"Bearer {tok}"
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                payload = r.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        if raw:
            return r.status, payload
        return r.status, (json.loads(payload) if payload else None)

    def expect(self, status, method, path, body=None, **kw):
        got, data = self.call(method, path, body, **kw)
        if got != status:
            raise RuntimeError(f"{method} {path}: expected {status}, got {got} {data}")
        return data


def admin_token(port):
    return Api(port).expect(200, "POST", "/api/v1/auth/staff/login",
                            {"login": stk.ADMIN_LOGIN, "password": stk.ADMIN_PASSWORD})["token"]


def parallel(items, fn, workers, progress=None, every=500):
    """fn(api_of_this_thread, item) over items on `workers` threads; results in order."""
    local = threading.local()
    done = [0]
    lock = threading.Lock()

    def run(item):
        if not hasattr(local, "api"):
            local.api = fn.api_factory()
        out = fn(local.api, item)
        with lock:
            done[0] += 1
            if progress and done[0] % every == 0:
                progress(done[0])
        return out

    with cf.ThreadPoolExecutor(workers) as ex:
        return list(ex.map(run, items))


def station_point(i, n):
    """Stations on a grid around Shanghai's centre (121.47 E, 31.23 N), ~500 m apart."""
    side = max(1, math.isqrt(n - 1) + 1)
    return 121.4737 + (i % side - side / 2) * 0.005, 31.2304 + (i // side - side / 2) * 0.0045


class Fleet:
    """Stations and chargers of one bench run, with the chargers' one-time MQTT credentials."""

    def __init__(self, stack, log):
        self.stack, self.log = stack, log
        self.port = stack.http_port
        self.token = admin_token(self.port)
        self.api = Api(self.port, self.token)
        self.stations, self.chargers, self.figures = [], [], {}

    def _factory(self):
        return lambda: Api(self.port, self.token)

    def create_stations(self, n, price_fen=(10000, 5000)):
        # A flat tariff, 1.00 + 0.50 yuan/kWh (prices in 1/100 fen per kWh, docs/api.md).
        tariff = self.api.expect(201, "POST", "/api/v1/admin/tariffs", {
            "name": "bench flat", "prices": {"flat": {"electricity": price_fen[0], "service": price_fen[1]}},
            "periods": [["00:00", "24:00", "flat"]]})["id"]
        self.tariff = tariff

        def one(api, i):
            lng, lat = station_point(i, n)
            return api.expect(201, "POST", "/api/v1/admin/stations", {
                "name": f"Bench station {i + 1}", "address": f"{i + 1} Bench Road", "lng": round(lng, 6),
                "lat": round(lat, 6), "timezone": "Asia/Shanghai", "opening_hours": "00:00-24:00",
                "tariff_id": tariff})["id"]

        one.api_factory = self._factory()
        t0 = time.time()
        self.stations = parallel(range(n), one, 4, lambda d: self.log(f"  stations created: {d}/{n}"))
        took = time.time() - t0
        self.figures["stations_per_s"] = round(n / took, 1)
        self.log(f"  {n} stations in {took:.1f} s ({n / took:.0f}/s)")

    def create_chargers(self, n, kind="AC", rated_w=7000, connectors=1):
        rows = [{"code": f"BN-{i + 1:05d}", "station_id": self.stations[i % len(self.stations)], "kind": kind,
                 "connectors": connectors, "rated_w": rated_w} for i in range(n)]
        t0 = time.time()
        status, _ = self.api.call("POST", "/api/v1/admin/chargers/import", "code,name,station_id,kind,connectors,rated_w\n",
                                  content_type="text/csv")
        # Without the route (main before the bulk import) the path answers 404 or 405.
        if status not in (404, 405):
            creds = self._import(rows)
            self.figures["charger_provisioning"] = "bulk import (POST /api/v1/admin/chargers/import)"
        else:
            creds = self._one_by_one(rows)
            self.figures["charger_provisioning"] = "one by one (POST /api/v1/admin/chargers, 4 connections)"
        self.stack.add_broker_accounts(creds)
        took = time.time() - t0
        self.chargers = creds
        self.figures["chargers_per_s"] = round(n / took, 1)
        self.figures["chargers_provision_s"] = round(took, 1)
        self.log(f"  {n} chargers in {took:.1f} s ({n / took:.0f}/s, {self.figures['charger_provisioning']})")

    def create_ocpp_chargers(self, n, kind="DC", rated_w=360000, prefix="OC-", connectors=1, protocol="ocpp1.6"):
        """n OCPP chargers (1.6J, or `protocol` ocpp2.0.1; one connector each by default) on the fleet's stations, by the bulk import's
        protocol column; their broker accounts as the fleet's (dynamic security by the server, or the
        harness's password file). Returns their credentials (password = the station's HTTP Basic
        password); self.chargers is left as it is."""
        rows = [{"code": f"{prefix}{i + 1:05d}", "station_id": self.stations[i % len(self.stations)], "kind": kind,
                 "connectors": connectors, "rated_w": rated_w} for i in range(n)]
        t0 = time.time()
        # 200 rows a request: with dynamic security the import waits for the broker's accounts, which
        # took ~60 s for 1,000 rows on top of 1,000 accounts, the client's timeout (its retry of the
        # POST then found every code taken).
        creds = self._import(rows, protocol=protocol, batch=200)
        self.stack.add_broker_accounts(creds)
        self.log(f"  {n} OCPP chargers in {time.time() - t0:.1f} s (bulk import, protocol {protocol})")
        return creds

    def _import(self, rows, protocol=None, batch=1000):
        creds = []
        for i in range(0, len(rows), batch):  # at most 1,000: the route's limit per request (docs/api.md)
            chunk = rows[i:i + batch]
            body = "code,name,station_id,kind,connectors,rated_w" + (",protocol" if protocol else "") + "\n" + "".join(
                f"{r['code']},Charger {r['code']},{r['station_id']},{r['kind']},{r['connectors']},{r['rated_w']}"
                + (f",{protocol}" if protocol else "") + "\n"
                for r in chunk)
            status, data = self.api.call("POST", "/api/v1/admin/chargers/import", body, content_type="text/csv")
            if status not in (200, 201):
                raise RuntimeError(f"chargers import: HTTP {status} {data}")
            if data.get("errors"):
                raise RuntimeError(f"import errors: {data['errors'][:5]}")
            lines = data["credentials_csv"].strip().splitlines()[1:]
            for line in lines:
                code, password, kind, connectors, rated_w = line.split(",")
                creds.append({"code": code, "password": password, "kind": kind, "connectors": int(connectors),
                              "rated_w": int(rated_w)})
            self.log(f"  chargers imported: {len(creds)}/{len(rows)}")
        return creds

    def _one_by_one(self, rows):
        def one(api, r):
            d = api.expect(201, "POST", "/api/v1/admin/chargers", {
                "code": r["code"], "station_id": r["station_id"], "name": f"Charger {r['code']}", "kind": r["kind"],
                "rated_w": r["rated_w"], "connectors": r["connectors"]})
            return {"code": r["code"], "id": d["id"], "password": d["mqtt"]["password"], "kind": r["kind"],
                    "connectors": r["connectors"], "rated_w": r["rated_w"]}

        one.api_factory = self._factory()
        t0, marks = time.time(), []
        self.figures["chargers_progress"] = marks  # [created, seconds]: shows the slowdown as the fleet grows

        def progress(done):
            marks.append([done, round(time.time() - t0, 1)])
            self.log(f"  chargers created: {done}/{len(rows)}")

        return parallel(rows, one, 4, progress)

    def online(self):
        return self.api.expect(200, "GET", "/api/v1/admin/dashboard")["chargers"]["online"]

    def dashboard(self):
        return self.api.expect(200, "GET", "/api/v1/admin/dashboard")


def sms_code(outbox, phone):
    """The last code sent to phone. Only the outbox's tail is read (a few workers register at once,
    so the code is among the last lines); reading it all for each of 10,000 drivers is quadratic."""
    with open(outbox, "rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - 65536))
        lines = f.read().decode(errors="replace").splitlines()
    for line in reversed(lines):
        if f'"{phone}"' in line:
            try:
                return json.loads(line)["code"]
            except ValueError:
                continue  # the first, cut line of the tail
    return ""


def issue_cards(fleet, drivers, prefix="BENCH"):
    """One RFID card per driver (POST /api/v1/admin/drivers/{id}/cards), uid prefix + its index
    (kept in upper case by the server). Sets each driver's "card" to the uid."""
    def one(api, pair):
        i, drv = pair
        card = api.expect(201, "POST", f"/api/v1/admin/drivers/{drv['id']}/cards",
                          {"uid": f"{prefix}{i + 1}", "label": "bench"})
        drv["card"] = card["uid"]

    one.api_factory = fleet._factory()
    t0 = time.time()
    parallel(list(enumerate(drivers)), one, 4)
    fleet.log(f"  {len(drivers)} cards issued in {time.time() - t0:.1f} s")


def register_drivers(fleet, n, balance_fen, workers=4, offset=0):
    """n drivers registered through sms-code + register, each given balance_fen by an admin
    adjustment. Returns [{phone, token, id}]."""
    outbox = fleet.stack.sms_outbox
    password = "Bench-pass1"

    def one(api, i):
        phone = f"139{offset + i:08d}"
        api.expect(202, "POST", "/api/v1/auth/sms-code", {"phone": phone})
        reg = api.expect(201, "POST", "/api/v1/auth/driver/register",
                         {"phone": phone, "code": sms_code(outbox, phone), "password": password,
                          "nickname": f"bench{i}"}, token="")
        token = reg["token"]
        me = api.expect(200, "GET", "/api/v1/me", token=token)
        api.expect(201, "POST", f"/api/v1/admin/drivers/{me['id']}/balance-adjustments",
                   {"delta_fen": balance_fen, "reason": "bench"}, token=fleet.token)
        return {"phone": phone, "token": token, "id": me["id"]}

    one.api_factory = lambda: Api(fleet.port)
    t0 = time.time()
    drivers = parallel(range(n), one, workers, lambda d: fleet.log(f"  drivers registered: {d}/{n}"), every=200)
    took = time.time() - t0
    fleet.figures["drivers_per_s"] = round(n / took, 1)
    fleet.log(f"  {n} drivers in {took:.1f} s ({n / took:.0f}/s)")
    return drivers
