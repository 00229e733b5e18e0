"""`make run` supervises (scripts/run.sh): a component killed with SIGKILL is restarted on its own
while the others keep running, and SIGINT (Ctrl-C) still stops everything and exits 0.
Runs the real script (Mosquitto, Redis, kilowatt --demo, kilowatt-sim, kilowatt-ocpp) in a temp VAR_DIR on
free loopback ports. Environment: BUILD_DIR (the build with server/kilowatt, sim/kilowatt-sim, ocpp/kilowatt-ocpp)."""
import os
import random
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NAMES = ("mosquitto", "redis", "kilowatt", "sim", "ocpp")


TAKEN = set()  # ports this test chose already (not bound until run.sh starts the services)


def free_port():
    """A free port below the kernel's ephemeral range (32768-60999): a service restarted on its port
    must find it free, and an ephemeral port may meanwhile become the local port of any outgoing
    connection on the machine (CI runs other tests alongside). The other harnesses take theirs from
    the kernel (port 0), in the ephemeral range, so they never pick one of these."""
    while True:
        port = random.randint(20000, 32000)
        if port in TAKEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        TAKEN.add(port)
        return port


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill -0; it is dead all the same.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(what, check, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


class RunScriptSupervises(unittest.TestCase):
    def setUp(self):
        self.var = tempfile.mkdtemp(prefix="kw-run-test-")
        self.http = free_port()
        env = dict(os.environ, VAR_DIR=self.var, BUILD_DIR=os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")),
                   KW_SERVER_PORT=str(self.http), KW_MQTT_PORT=str(free_port()), KW_REDIS_PORT=str(free_port()),
                   SIM_CONTROL_PORT=str(free_port()), KW_OCPP_PORT=str(free_port()))
        self.out = open(os.path.join(self.var, "run.out"), "w+")
        self.run_sh = subprocess.Popen(["bash", os.path.join(ROOT, "scripts/run.sh")], env=env, stdout=self.out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def tearDown(self):
        if self.run_sh.poll() is None:
            self.run_sh.send_signal(signal.SIGINT)
            try:
                self.run_sh.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(self.run_sh.pid, signal.SIGKILL)
        self.out.close()
        subprocess.run(["rm", "-rf", self.var])

    def output(self):
        with open(self.out.name) as f:
            return f.read()

    def pids(self):
        out = {}
        for name in NAMES:
            try:
                with open(os.path.join(self.var, "run", f"{name}.pid")) as f:
                    out[name] = int(f.read().strip())
            except (OSError, ValueError):
                pass
        return out

    def ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/readyz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def logs(self):
        """The last lines of run.sh's output and of each component's log, for a failure's message."""
        out = [f"--- run.sh output\n{self.output()[-2000:]}"]
        for log in ("run.log", "kilowatt.log", "mosquitto.log", "redis.log", "ocpp.log"):
            try:
                with open(os.path.join(self.var, "log", log)) as f:
                    out.append(f"--- {log}\n" + "".join(f.readlines()[-25:]))
            except OSError:
                pass
        return "\n".join(out)

    def kill_and_expect_restart(self, name):
        before = self.pids()
        os.kill(before[name], signal.SIGKILL)
        try:
            now = wait_for(f"{name} restarted with a new pid",
                           lambda: (lambda p: p if p.get(name) not in (None, before[name]) and alive(p[name])
                                    else None)(self.pids()), 60)
            wait_for("the server ready again (database, Redis and broker answer)", self.ready, 60)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.logs()}") from None
        for other in NAMES:
            if other != name:
                self.assertEqual(now[other], before[other], f"{other} was restarted too when {name} died")
                self.assertTrue(alive(now[other]), f"{other} stopped when {name} died")
        # run.sh writes the new pid file, then the log line: wait for the line.
        def run_log():
            with open(os.path.join(self.var, "log", "run.log")) as f:
                return f.read()
        log = wait_for(f"run.log says {name} restarted",
                       lambda: (lambda text: text if f"{name} restarted (pid {now[name]})" in text else None)(run_log()),
                       10)
        self.assertIn(f"{name} exited on its own", log)

    def test_a_killed_component_is_restarted_alone_and_sigint_still_stops_everything(self):
        wait_for("run.sh says Kilowatt is running", lambda: "Kilowatt is running." in self.output()
                 or self.run_sh.poll() is not None, 180)
        self.assertIsNone(self.run_sh.poll(), self.output()[-3000:])
        self.assertEqual(set(self.pids()), set(NAMES))
        self.kill_and_expect_restart("kilowatt")
        self.kill_and_expect_restart("mosquitto")
        self.kill_and_expect_restart("redis")
        self.kill_and_expect_restart("ocpp")
        last = self.pids()
        self.run_sh.send_signal(signal.SIGINT)
        self.assertEqual(self.run_sh.wait(90), 0, self.output()[-3000:])
        for name, pid in last.items():
            self.assertFalse(alive(pid), f"{name} (pid {pid}) still runs after Ctrl-C")


if __name__ == "__main__":
    unittest.main()
