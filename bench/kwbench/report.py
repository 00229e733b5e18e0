"""Writes a run's results: <date>-<host>.json (every number, the machine, load before/after),
<date>-<host>.md (one table: scenario, figure, value, baseline, ratio, target, met?, then CPU
seconds per process) and PNG plots (matplotlib, Agg backend; skipped when it is missing)."""
import datetime
import json
import os


def _fmt(v):
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.3f}".rstrip("0").rstrip(".") if abs(v) < 10 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def markdown(doc):
    m = doc["machine"]
    lines = [f"# Kilowatt benchmark {doc['started_at']}", "",
             f"Machine: {m.get('host')}, {m.get('cores')} cores ({m.get('model')}), {m.get('mem_mb')} MB, kernel "
             f"{m.get('kernel')}; load average before {doc['loadavg_before']}, after {doc['loadavg_after']}.",
             f"Database {doc['db']}; {doc['chargers']:,} chargers at {doc['stations']:,} stations"
             f"{' (SMOKE RUN: tiny numbers, not a benchmark)' if doc['smoke'] else ''}. {doc['note']}", ""]
    if doc.get("server_flags"):
        lines += [f"Server flags besides the harness's own: `{' '.join(doc['server_flags'])}`.", ""]
    prov = doc.get("provisioning", {})
    if prov:
        lines += [f"Provisioning: {prov.get('stations_per_s')} stations/s; {prov.get('chargers_per_s')} chargers/s "
                  f"({prov.get('charger_provisioning')}); drivers {prov.get('drivers_per_s', 'n/a')}/s.", ""]
    lines += ["| scenario | figure | value | baseline | ratio | target | met? |", "|---|---|---|---|---|---|---|"]
    for name, res in doc["scenarios"].items():
        if not res.get("ok"):
            lines.append(f"| {name} | FAILED: {res.get('error')} | | | | | |")
            continue
        for f in res["figures"]:
            base = f.get("baseline")
            base_s = f"{_fmt(base)} ({f['baseline_name']})" if base is not None and f.get("baseline_name") else _fmt(base)
            lines.append(f"| {name} | {f['figure']} | {_fmt(f.get('value'))} {f.get('unit', '')} | "
                         f"{base_s if base is not None else ''} | {_fmt(f.get('ratio')) if 'ratio' in f else ''} | "
                         f"{f.get('target', '')} | {_fmt(f['met']) if 'met' in f else ''} |")
    lines += ["", "CPU seconds per process while each scenario measured (% of one core in brackets):", "",
              "| scenario | " + " | ".join(PROCS) + " |", "|---|" + "---|" * len(PROCS)]
    for name, res in doc["scenarios"].items():
        cpu = res.get("cpu") or {}
        cells = [f"{cpu[p]['cpu_s']} ({cpu[p]['cpu_pct']} %)" if p in cpu else "" for p in PROCS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Every number, the parameters and the per-phase CPU are in the JSON file next to this one."]
    return "\n".join(lines) + "\n"


PROCS = ["kilowatt", "kilowatt-2", "kilowatt-ocpp", "mosquitto", "redis", "kilowatt-sim", "nginx", "mariadb", "load generators", "run.py"]


def plots(doc, base):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    out = []
    ratios = [(f"{n}: {f['figure']}", f["ratio"]) for n, r in doc["scenarios"].items() if r.get("ok")
              for f in r["figures"] if f.get("ratio") is not None]
    if ratios:
        fig, ax = plt.subplots(figsize=(12, 1.5 + 0.5 * len(ratios)))
        ax.barh([r[0] for r in ratios], [r[1] for r in ratios], color="#3a7")
        ax.axvline(1.0, color="grey", lw=0.8)
        ax.set_xlabel("ratio to the baseline of the same run (1 = as fast)")
        ax.set_title("Kilowatt / baseline (nginx, Mosquitto, Redis, offered rate)")
        fig.tight_layout()
        path = base + "-ratios.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        out.append(path)
    cpu_rows = {n: r.get("cpu") or {} for n, r in doc["scenarios"].items() if r.get("cpu")}
    if cpu_rows:
        fig, ax = plt.subplots(figsize=(10, 5))
        names = list(cpu_rows)
        bottom = [0.0] * len(names)
        for p in PROCS:
            vals = [cpu_rows[n].get(p, {}).get("cpu_pct") or 0 for n in names]
            if any(vals):
                ax.bar(names, vals, bottom=bottom, label=p)
                bottom = [b + v for b, v in zip(bottom, vals)]
        ax.set_ylabel("% of one core while measuring")
        ax.set_title("Who spent the CPU (all processes share the machine)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = base + "-cpu.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        out.append(path)
    return out


def write(doc, out_dir, smoke=False):
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    db = "" if doc.get("db", "sqlite") == "sqlite" else "-" + doc["db"]
    base = os.path.join(out_dir, f"{date}-{doc['machine'].get('host', 'host')}{db}{'-smoke' if smoke else ''}")
    with open(base + ".json", "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
    with open(base + ".md", "w") as f:
        f.write(markdown(doc))
    return [base + ".json", base + ".md"] + plots(doc, base)
