"""A private Kilowatt installation on free loopback ports in a temp dir: Mosquitto with the
dynamic-security plugin, Redis (with a password), MariaDB when asked, the `kilowatt` server, any
number of `kilowatt-sim` processes and, when a scenario asks, the OCPP edge `kilowatt-ocpp`. The
facts (flags, the dynsec admin, secrets through the environment, readiness = /readyz +
event=broker_accounts_ready) are those of scripts/run.sh and server/tests/support/stack.cpp. Every
process runs in its own session and is stopped in reverse order by Stack.close()."""
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ADMIN_LOGIN, ADMIN_PASSWORD = "admin", "Admin-bench1"
SBIN = ["/usr/sbin", "/sbin"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def which(prog):
    path = shutil.which(prog, path=os.environ.get("PATH", "") + ":" + ":".join(SBIN))
    if not path:
        raise RuntimeError(f"{prog} not found: run scripts/deps.sh")
    return path


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(pred, timeout, what, proc=None, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: {proc.name} exited ({proc.returncode}); log {proc.log}:\n{proc.tail()}")
        time.sleep(step)
    raise RuntimeError(f"timed out waiting for {what}" + (f"; log {proc.log}:\n{proc.tail()}" if proc else ""))


def wait_ready(proc, http_port, timeout):
    """Until a kilowatt answers /readyz with 200 (its database, Redis and broker all answer)."""
    def ready():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/readyz", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False
    wait_until(ready, timeout, f"{proc.name} /readyz", proc, 0.2)


class Proc:
    """One child process, output in a log file, in its own session (a Ctrl-C reaches only run.py)."""

    def __init__(self, name, argv, log, env=None, cwd=None):
        self.name, self.log, self.argv, self.env = name, log, list(argv), env
        self._out = open(log, "ab")
        self.popen = subprocess.Popen(argv, stdout=self._out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      env=env, cwd=cwd, start_new_session=True)
        self.pid = self.popen.pid

    @property
    def returncode(self):
        return self.popen.returncode

    def poll(self):
        return self.popen.poll()

    def tail(self, n=20):
        try:
            with open(self.log, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""

    def kill(self):
        """SIGKILL, no clean-up (a crash: a broker publishes the wills of the process's clients)."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()
        self._out.close()

    def stop(self, timeout=20):
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._out.close()


class Stack:
    """broker_accounts: "dynsec" (the server manages charger accounts through Mosquitto's
    dynamic-security plugin, as shipped) or "file" (Mosquitto's password_file + acl_file with the
    pattern kw/v1/%u/..., accounts added by the harness with mosquitto_passwd and a SIGHUP; the server
    runs with mqtt.broker=none, as with EMQX). docs/operations.md says why 10,000 chargers need the
    latter with Mosquitto: dynamic security rewrites its whole file per account.
    redis_aof: Redis with its append-only file (appendfsync everysec), as deploy/redis/redis.conf
    ships it; off by default for the benchmarks (the baselines run against the same Redis).
    redis_socket: the servers, and redis-benchmark's baseline, reach Redis on its Unix socket
    (redis.socket) instead of TCP on the loopback; Redis listens on both either way."""

    def __init__(self, build_dir, db="sqlite", keep=False, server_flags=(), log=print, broker_accounts="dynsec",
                 redis_aof=False, redis_socket=False):
        self.build_dir, self.db, self.keep, self.say = build_dir, db, keep, log
        self.redis_aof, self.redis_socket = redis_aof, redis_socket
        if broker_accounts not in ("dynsec", "file"):
            raise ValueError("broker_accounts must be dynsec or file")
        self.broker_accounts = broker_accounts
        self.dir = tempfile.mkdtemp(prefix="kw-bench-")
        self.procs = []  # start order; stopped in reverse
        self.server_flags = list(server_flags)
        self.server = None
        self.sims = []
        self.extra_servers = []  # kilowatt instances after the first (scale-out)

    def path(self, name):
        return os.path.join(self.dir, name)

    def binary(self, rel):
        p = os.path.join(self.build_dir, rel)
        if not os.access(p, os.X_OK):
            raise RuntimeError(f"{p} not found: build first (make bench builds it)")
        return p

    def _start(self, name, argv, env=None):
        p = Proc(name, argv, self.path(name + ".log"), env=env)
        self.procs.append(p)
        return p

    # ------------------------------------------------------------------------------- Mosquitto
    def start_mosquitto(self, name="mosquitto", accounts="dynsec"):
        """A broker whose accounts are kept by the dynamic-security plugin (its admin is the
        server's account) or by a password file + ACL file (accounts="file"). Returns
        (proc, port, user, password)."""
        d = self.path(name)
        os.makedirs(d, mode=0o700)
        user, password = "kilowatt", secrets.token_urlsafe(18)
        if accounts == "dynsec":
            dynsec = os.path.join(d, "dynamic-security.json")
            # The password on stdin (asked twice), not on the command line.
            subprocess.run([which("mosquitto_ctrl"), "dynsec", "init", dynsec, user],
                           input=f"{password}\n{password}\n", text=True, check=True, capture_output=True)
            plugins = [p for pat in ("/usr/lib/*/mosquitto_dynamic_security.so",
                                     "/usr/lib/mosquitto_dynamic_security.so",
                                     "/usr/local/lib/mosquitto_dynamic_security.so") for p in glob.glob(pat)]
            if not plugins:
                raise RuntimeError("mosquitto_dynamic_security.so not found (package mosquitto)")
            auth = f"plugin {plugins[0]}\nplugin_opt_config_file {dynsec}\n"
        else:
            password_file, acl_file = os.path.join(d, "passwd"), os.path.join(d, "acl")
            with open(os.open(password_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write(f"{user}:{password}\n")
            subprocess.run([which("mosquitto_passwd"), "-U", password_file], check=True, capture_output=True)
            # The rules of the dynsec roles (device/mqtt/dynsec.cpp): the server reads and writes kw/,
            # a charger (username = its code) publishes under kw/v1/<code>/ and reads its cmd topic.
            with open(acl_file, "w") as f:
                f.write(f"user {user}\ntopic readwrite kw/#\ntopic read $share/+/kw/#\n\n"
                        "pattern write kw/v1/%u/#\npattern read kw/v1/%u/cmd\n")
            auth = f"password_file {password_file}\nacl_file {acl_file}\n"
        port = free_port()
        conf = os.path.join(d, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write("per_listener_settings false\n"
                    f"listener {port} 127.0.0.1\n"
                    "allow_anonymous false\n"
                    + ("user root\n" if os.geteuid() == 0 else "")
                    + "persistence false\n"
                    + auth
                    + "log_type error\nlog_type warning\nlog_type notice\n"
                    "connection_messages false\n"
                    "max_queued_messages 100000\n"
                    # as deploy/mosquitto/mosquitto.conf ships it (since the OCPP run of 2026-11-30)
                    "set_tcp_nodelay true\n")
        proc = self._start(name, [which("mosquitto"), "-c", conf])
        wait_until(lambda: port_open(port), 20, "mosquitto", proc)
        return proc, port, user, password

    def add_broker_accounts(self, credentials):
        """accounts="file": the chargers' accounts (code = username) appended to the password file,
        hashed by mosquitto_passwd -U, and the broker told to reload it (SIGHUP). As an operator
        with a password file would do after an import."""
        if self.broker_accounts != "file" or not credentials:
            return
        # -U hashes every line of a file, hashes too: the new lines are hashed on their own first.
        fresh = self.path("mosquitto/passwd.new")
        with open(os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            for c in credentials:
                f.write(f"{c['code']}:{c['password']}\n")
        subprocess.run([which("mosquitto_passwd"), "-U", fresh], check=True, capture_output=True)
        with open(self.path("mosquitto/passwd"), "a") as f, open(fresh) as new:
            f.write(new.read())
        os.remove(fresh)
        os.kill(self.broker.pid, signal.SIGHUP)
        time.sleep(0.5)  # the reload is asynchronous; a charger refused meanwhile retries

    def dynsec(self, port, user, password, *args):
        subprocess.run([which("mosquitto_ctrl"), "-h", "127.0.0.1", "-p", str(port), "-u", user, "-P", password,
                        "dynsec", *args], check=True, capture_output=True, text=True)

    # ----------------------------------------------------------------------------------- Redis
    def start_redis(self):
        d = self.path("redis")
        os.makedirs(d, mode=0o700)
        self.redis_port, self.redis_password = free_port(), secrets.token_hex(16)
        conf = os.path.join(d, "redis.conf")
        self.redis_socket_path = os.path.join(d, "redis.sock")
        with open(os.open(conf, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(f"port {self.redis_port}\nbind 127.0.0.1\nprotected-mode yes\ndir {d}\nsave \"\"\n"
                    f"unixsocket {self.redis_socket_path}\nunixsocketperm 700\n"
                    f"appendonly {'yes' if self.redis_aof else 'no'}\nappendfsync everysec\ndaemonize no\n"
                    f"requirepass {self.redis_password}\n")
        self.redis = self._start("redis", [which("redis-server"), conf])
        wait_until(lambda: port_open(self.redis_port), 20, "redis", self.redis)

    def redis_cli(self, *args):
        env = dict(os.environ, REDISCLI_AUTH=self.redis_password)
        return subprocess.run([which("redis-cli"), "-p", str(self.redis_port), *args], env=env, check=True,
                              capture_output=True, text=True).stdout

    # --------------------------------------------------------------------------------- MariaDB
    def start_mariadb(self):
        data = self.path("mariadb-data")
        fast = ["--innodb-log-file-size=64M", "--innodb-buffer-pool-size=256M", "--skip-name-resolve",
                "--skip-log-bin", "--performance-schema=OFF", "--innodb-flush-log-at-trx-commit=2",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"]
        for attempt in range(3):  # it failed now and then on a loaded machine: again, from scratch
            shutil.rmtree(data, ignore_errors=True)
            r = subprocess.run([which("mariadb-install-db"), "--no-defaults", "--user=root", f"--datadir={data}",
                                "--auth-root-authentication-method=normal", "--skip-test-db", "--force", *fast],
                               capture_output=True, text=True)
            if r.returncode == 0:
                break
            self.say(f"mariadb-install-db failed (attempt {attempt + 1}): {(r.stdout + r.stderr)[-800:]}")
        else:
            raise RuntimeError("mariadb-install-db failed three times (output above)")
        port = free_port()
        self.mariadb = self._start("mariadb", [which("mariadbd"), "--no-defaults", "--user=root", f"--datadir={data}",
                                               f"--port={port}", f"--socket={self.path('mariadb.sock')}",
                                               "--bind-address=127.0.0.1", *fast])
        wait_until(lambda: port_open(port), 60, "mariadbd", self.mariadb)
        subprocess.run([which("mariadb"), "--no-defaults", "-h", "127.0.0.1", "-P", str(port), "-u", "root", "-e",
                        "CREATE DATABASE kilowatt CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"], check=True)
        return f"mysql://root@127.0.0.1:{port}/kilowatt"

    # -------------------------------------------------------------------------------- kilowatt
    def server_binary_has(self, key):
        """Whether the server knows a config key (an unknown key stops it): its name is in the binary."""
        with open(self.binary("server/kilowatt"), "rb") as f:
            return key.encode() in f.read()

    def start(self, extra_flags=(), before_server=None):
        """before_server(stack): called once the broker, Redis and the database run, before the first
        server starts (the fault harness puts its TCP proxy in front of the broker there)."""
        self.broker, self.mqtt_port, self.mqtt_user, self.mqtt_password = self.start_mosquitto(
            accounts=self.broker_accounts)
        self.server_mqtt_port = self.mqtt_port  # where the servers connect (a proxy's port if set)
        self.start_redis()
        self.db_url = self.start_mariadb() if self.db == "mariadb" else "sqlite:" + self.path("kilowatt.db")
        self.http_port = free_port()
        self.sms_outbox = self.path("sms-outbox.log")
        self.metrics_token = None
        if self.server_binary_has("metrics_token"):
            self.metrics_token = secrets.token_hex(16)
        if before_server:
            before_server(self)
        self.server = self._start_server("kilowatt", self.http_port, extra_flags)
        self.base_url = f"http://127.0.0.1:{self.http_port}"

    def _start_server(self, name, http_port, extra_flags=()):
        """One kilowatt process on http_port, ready (/readyz and its broker accounts set up)."""
        flags = [f"--server.port={http_port}", "--server.address=127.0.0.1", f"--database.url={self.db_url}",
                 f"--redis.port={self.redis_port}", f"--mqtt.port={self.server_mqtt_port}", f"--mqtt.username={self.mqtt_user}",
                 "--payments.sandbox=true", "--sms.sandbox=true", f"--sms.sandbox_outbox={self.sms_outbox}",
                 "--sms.resend_s=0",
                 # Every bench client is 127.0.0.1: the per-address and per-phone quotas are raised.
                 "--limits.sms_per_phone_per_hour=1000000", "--limits.ip_free_failures=100000",
                 "--limits.sms_per_ip_per_hour=1000000", "--limits.register_per_ip_per_hour=1000000",
                 "--limits.topups_per_driver_per_hour=100000", "--log.level=info"]
        if self.db == "mariadb":
            flags.append("--payments.sandbox_allow_mysql=true")
        if self.broker_accounts == "file":
            flags.append("--mqtt.broker=none")
        if self.redis_socket:
            flags.append(f"--redis.socket={self.redis_socket_path}")
        flags += self.server_flags + list(extra_flags)
        # Secrets through the server's environment only, as scripts/run.sh does.
        env = {k: v for k, v in os.environ.items() if not k.startswith("KW_")}
        env.update(KW_MQTT_PASSWORD=self.mqtt_password, KW_REDIS_PASSWORD=self.redis_password,
                   KW_AUTH_BOOTSTRAP_ADMIN=f"{ADMIN_LOGIN}:{ADMIN_PASSWORD}")
        if self.metrics_token:
            env["KW_SERVER_METRICS_TOKEN"] = self.metrics_token
        log = self.path(name + ".log")
        seen = os.path.getsize(log) if os.path.exists(log) else 0  # a restart appends to the same log
        proc = self._start(name, [self.binary("server/kilowatt"), *flags], env=env)

        def accounts_ready():
            with open(log, errors="replace") as f:
                f.seek(seen)
                return "event=broker_accounts_ready" in f.read()

        wait_ready(proc, http_port, 60)
        if self.broker_accounts == "dynsec":
            wait_until(accounts_ready, 30, f"{name} broker accounts", proc, 0.2)
        proc.http_port = http_port
        return proc

    # ------------------------------------------------------------------- cluster (scale-out)
    def restart_server(self, extra_flags=()):
        """The first instance again, on its port, with extra flags (e.g. --server.cluster=true)."""
        self.server.stop(30)
        self.procs.remove(self.server)
        self.server = self._start_server("kilowatt", self.http_port, extra_flags)

    def restart(self, proc, crash=False, pause_s=0.0):
        """The same process again (same argv, environment and log, appended): SIGKILL when crash,
        else SIGTERM; pause_s between the end and the new start. Returns the new Proc, which takes
        the old one's place (in procs, and as server / extra server / redis / broker / mariadb / sim)."""
        if crash:
            proc.kill()
        else:
            proc.stop(30)
        if pause_s:
            time.sleep(pause_s)
        offset = os.path.getsize(proc.log) if os.path.exists(proc.log) else 0
        new = Proc(proc.name, proc.argv, proc.log, env=proc.env)
        new.log_offset = offset  # where the new process's lines begin in the shared log
        for attr in ("http_port", "control_port", "ocpp_port"):
            if hasattr(proc, attr):
                setattr(new, attr, getattr(proc, attr))
        self.procs[self.procs.index(proc)] = new
        for attr in ("server", "redis", "broker", "mariadb", "ocpp"):
            if getattr(self, attr, None) is proc:
                setattr(self, attr, new)
        for group in (self.extra_servers, self.sims):
            if proc in group:
                group[group.index(proc)] = new
        return new

    def start_second_server(self, extra_flags=()):
        """Another kilowatt on the same database, Redis and broker account (dynsec allows several
        connections per username; the MQTT client id differs through server.instance_id), its own
        HTTP port. Charger messages are split between the instances by the shared subscription.
        SQLite cannot be shared between two server processes (each holds its own writer)."""
        if self.db != "mariadb":
            raise RuntimeError("a second kilowatt instance needs --db mariadb: SQLite cannot be shared between "
                               "two server processes")
        n = len(self.extra_servers) + 2
        proc = self._start_server(f"kilowatt-{n}", free_port(), [f"--server.instance_id=bench-{n}", *extra_flags])
        self.extra_servers.append(proc)
        return proc

    def stop_extra_servers(self):
        for proc in self.extra_servers:
            proc.stop(30)
            self.procs.remove(proc)
        self.extra_servers = []

    # --------------------------------------------------------------------------- kilowatt-ocpp
    def start_ocpp(self):
        """The OCPP 1.6J edge on a free port, against the broker (it connects as each station, with
        the station's own login). Returns its ws:// URL (a station appends /<code>)."""
        port = free_port()
        proc = self._start("kilowatt-ocpp", [
            self.binary("ocpp/kilowatt-ocpp"), "--address", "127.0.0.1", "--port", str(port), "--broker-host",
            "127.0.0.1", "--broker-port", str(self.mqtt_port), "--log-level", "warn"])
        proc.ocpp_port = port
        self.wait_ocpp(proc)
        self.ocpp = proc
        return f"ws://127.0.0.1:{port}/ocpp"

    def wait_ocpp(self, proc, timeout=20):
        """Until this edge process printed its banner (a restart appends to the same log: only the
        lines after the newest start count)."""
        seen = getattr(proc, "log_offset", 0)

        def listening():
            with open(proc.log, errors="replace") as f:
                f.seek(seen)
                return f"kilowatt-ocpp listening on 127.0.0.1:{proc.ocpp_port}" in f.read()

        wait_until(listening, timeout, "kilowatt-ocpp listening", proc)

    # ---------------------------------------------------------------------------- kilowatt-sim
    def start_sims(self, credentials, meter_interval=1, per_process=3400, extra=(), ocpp_url=None,
                   ocpp_version="ocpp1.6"):
        """kilowatt-sim processes for these credential rows (dicts code,password,kind,connectors,
        rated_w), at most per_process chargers each (4 file descriptors per charger). With ocpp_url
        they are OCPP charge points of that edge (--protocol ocpp_version: ocpp1.6 or ocpp2.0.1), added to the simulators
        already running; otherwise they replace self.sims."""
        if ocpp_url is None:
            self.sims = []
        name = "sim-ocpp" if ocpp_url else "sim"
        if ocpp_url:
            extra = ["--protocol", ocpp_version, "--ocpp-url", ocpp_url, *extra]
        started = []
        for i in range(0, len(credentials), per_process):
            chunk = credentials[i:i + per_process]
            csv = self.path(f"{name}-{i // per_process}.csv")
            with open(os.open(csv, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                f.write("code,password,kind,connectors,rated_w\n")
                for c in chunk:
                    f.write(f"{c['code']},{c['password']},{c['kind']},{c['connectors']},{c['rated_w']}\n")
            port = free_port()
            sim = self._start(f"{name}-{i // per_process}", [
                self.binary("sim/kilowatt-sim"), "--broker-host", "127.0.0.1", "--broker-port", str(self.mqtt_port),
                "--chargers", csv, "--meter-interval", str(meter_interval), "--control-port", str(port),
                "--connect-rate", "2000", "--log-level", "warn", *extra])
            sim.control_port = port
            self.sims.append(sim)
            started.append(sim)
        for sim in started:
            wait_until(lambda: port_open(sim.control_port), 30, "kilowatt-sim control port", sim)
        return self.sims

    def sim_control(self, sim, line):
        with socket.create_connection(("127.0.0.1", sim.control_port), timeout=30) as s:
            s.sendall((line + "\n").encode())
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                buf += chunk
        return json.loads(buf)

    def stop_sims(self):
        for sim in self.sims:
            sim.stop(20)
            self.procs.remove(sim)
        self.sims = []

    def close(self):
        for p in reversed(self.procs):
            p.stop(30 if p.name.startswith("kilowatt") else 10)
        self.procs = []
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
