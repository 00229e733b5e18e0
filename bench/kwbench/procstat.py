"""CPU time (utime + stime) and RSS of each process, from /proc, so every figure says who spent
what. Short-lived load generators (wrk, kw-bench-mqtt-*) are counted with getrusage(CHILDREN) once
waited for; run.py itself with getrusage(SELF)."""
import os
import resource

TICK = os.sysconf("SC_CLK_TCK")


def cpu_rss(pid):
    """(cpu seconds, rss MB) of a live process, or (None, None) when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15 of stat(5))
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024
        return cpu, rss
    except (OSError, StopIteration, IndexError):
        return None, None


class Meter:
    """Snapshots of the stack's processes; take() twice and delta() says who spent what between."""

    def __init__(self, stack):
        self.stack = stack

    def take(self):
        snap = {}
        for p in self.stack.procs:
            cpu, rss = cpu_rss(p.pid)
            if cpu is not None:
                key = "kilowatt-sim" if p.name.startswith("sim-") else p.name
                c, r = snap.get(key, (0.0, 0.0))
                snap[key] = (c + cpu, r + rss)
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        me = resource.getrusage(resource.RUSAGE_SELF)
        snap["load generators"] = (ch.ru_utime + ch.ru_stime, 0.0)
        snap["run.py"] = (me.ru_utime + me.ru_stime, me.ru_maxrss / 1024)
        return snap

    @staticmethod
    def delta(a, b, seconds):
        """{process: {cpu_s, cpu_pct (of one core), rss_mb}} between two snapshots."""
        out = {}
        for name, (cpu, rss) in b.items():
            c0 = a.get(name, (0.0, 0.0))[0]
            out[name] = {"cpu_s": round(cpu - c0, 2), "cpu_pct": round(100 * (cpu - c0) / seconds, 1) if seconds else None,
                         "rss_mb": round(rss, 1)}
        return out


def machine():
    info = {"cores": os.cpu_count(), "kernel": os.uname().release, "host": os.uname().nodename}
    try:
        with open("/proc/cpuinfo") as f:
            info["model"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
        with open("/proc/meminfo") as f:
            info["mem_mb"] = int(f.readline().split()[1]) // 1024
    except OSError:
        pass
    return info


def loadavg():
    return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
