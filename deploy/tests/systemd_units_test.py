"""The systemd units in deploy/systemd pass `systemd-analyze verify` without a warning, restart on
failure, and start after the services they need. verify runs against a scratch root holding the
system's own units, the unit under test and the built binary at the ExecStart path (it checks that
the program exists). Environment: BUILD_DIR (the build with server/kilowatt)."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNITS = sorted(glob.glob(os.path.join(ROOT, "deploy", "systemd", "*.service")))
BUILT = {"kilowatt": "server/kilowatt", "kilowatt-ocpp": "ocpp/kilowatt-ocpp"}  # ExecStart program -> build path


def directives(path):
    """[Section] -> {key: [values]} of a unit file (comments and continuation lines skipped)."""
    out, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = out.setdefault(line.strip("[]"), {})
            elif "=" in line and section is not None:
                key, value = line.split("=", 1)
                section.setdefault(key.strip(), []).append(value.strip())
    return out


class SystemdUnits(unittest.TestCase):
    def test_there_are_units_to_check(self):
        self.assertTrue(UNITS, "no deploy/systemd/*.service")

    def test_every_unit_passes_systemd_analyze_verify_without_a_warning(self):
        build = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
        for unit in UNITS:
            with self.subTest(unit=os.path.basename(unit)), tempfile.TemporaryDirectory() as root:
                shutil.copytree("/usr/lib/systemd/system", os.path.join(root, "usr/lib/systemd/system"),
                                symlinks=True)
                os.makedirs(os.path.join(root, "etc/systemd/system"))
                shutil.copy(unit, os.path.join(root, "etc/systemd/system"))
                program = directives(unit)["Service"]["ExecStart"][0].split()[0].lstrip("-@+!:")
                target = os.path.join(root, program.lstrip("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy(os.path.join(build, BUILT[os.path.basename(program)]), target)
                r = subprocess.run(["systemd-analyze", "verify", f"--root={root}", os.path.basename(unit)],
                                   capture_output=True, text=True, cwd=root)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertEqual((r.stdout + r.stderr).strip(), "", "systemd-analyze verify warned")

    def test_every_unit_restarts_on_failure_after_a_delay(self):
        for unit in UNITS:
            with self.subTest(unit=os.path.basename(unit)):
                service = directives(unit)["Service"]
                self.assertEqual(service.get("Restart"), ["on-failure"])
                self.assertTrue(service.get("RestartSec"), "RestartSec= missing: systemd's 100 ms would spin")

    def test_the_server_starts_after_the_database_redis_and_the_broker(self):
        unit = directives(os.path.join(ROOT, "deploy", "systemd", "kilowatt.service"))["Unit"]
        after = " ".join(unit.get("After", [])).split()
        for needed in ("network-online.target", "mariadb.service", "redis-server.service", "mosquitto.service"):
            self.assertIn(needed, after)


if __name__ == "__main__":
    unittest.main()
