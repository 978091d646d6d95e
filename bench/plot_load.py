#!/usr/bin/python3
"""Summarises and plots a bench/run-load.sh result folder (commands under load, status ingest).

    /usr/bin/python3 bench/plot_load.py bench/results/load-<time>
"""
import csv
import glob
import json
import os
import re
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import simlog  # noqa: E402


def main(folder):
    events = {}
    with open(os.path.join(folder, "events.csv")) as f:
        for row in csv.DictReader(f):
            events[row["event"]] = (float(row["epoch_s"]), row["value"])
    timeline = []
    with open(os.path.join(folder, "timeline.csv")) as f:
        for row in csv.DictReader(f):
            try:
                timeline.append({k: float(v) for k, v in row.items()})
            except (ValueError, TypeError):
                pass
    hz = timeline[0]["hz"] if timeline else 100.0
    for prev, cur in zip(timeline, timeline[1:]):
        dt = cur["epoch_s"] - prev["epoch_s"]
        cur["server_cores"] = (cur["server_cpu_ticks"] - prev["server_cpu_ticks"]) / hz / dt if dt > 0 else 0
        cur["db_cores"] = (cur["db_cpu_ticks"] - prev["db_cpu_ticks"]) / hz / dt if dt > 0 else 0
    timeline = timeline[1:]
    t0 = events["server_up"][0]
    summary = {"folder": os.path.basename(folder)}
    with open(os.path.join(folder, "machine.txt")) as f:
        summary["machine"] = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    def window(a, b):
        return [r for r in timeline if a <= r["epoch_s"] <= b]

    def avg(rows, key):
        return round(sum(r[key] for r in rows) / max(1, len(rows)), 3)

    def rate(rows, key):
        """Per-second rate of a cumulative meter over the window (first to last sample)."""
        if len(rows) < 2 or key not in rows[0]:
            return None
        dt = rows[-1]["epoch_s"] - rows[0]["epoch_s"]
        return round((rows[-1][key] - rows[0][key]) / dt, 1) if dt > 0 else None

    commands = []
    for name in sorted(events, key=lambda n: events[n][0]):
        m = re.match(r"commands_start_(\d+)$", name)
        if not m or "commands_end_" + m.group(1) not in events:
            continue
        r = int(m.group(1))
        p = os.path.join(folder, "commands-%d" % r, "summary.json")
        if not os.path.exists(p):
            continue
        step = json.load(open(p))
        w = window(events[name][0] + 10, events["commands_end_%d" % r][0])
        step.update({"server_cores_avg": avg(w, "server_cores"), "db_cores_avg": avg(w, "db_cores"),
                     "load1_max": max((x["load1"] for x in w), default=None)})
        commands.append(step)
    summary["commands"] = commands
    summary["commands_db_states"] = events.get("commands_db", (0, ""))[1]
    ingest = []
    for name in events:
        m = re.match(r"ingest_start_(\d+)", name)
        if not m or "ingest_end_" + m.group(1) not in events:
            continue
        s = int(m.group(1))
        # The first 20 s of a step are the simulators reconnecting; measure the rest.
        a, b = events[name][0] + 20, events["ingest_end_%d" % s][0]
        w = window(a, b)
        if len(w) < 2:
            continue
        lags = sorted(r["flush_lag_milliseconds"] for r in w)
        flush_ms = rate(w, "flush_milliseconds_total")
        ingest.append({
            "status_interval_s": s,
            "sessions_avg": avg(w, "sessions"),
            "offered_reports_per_s": round(avg(w, "sessions") / s, 1),
            "applied_reports_per_s": rate(w, "reports_total"),
            "persisted_rows_per_s": rate(w, "rows_written_total"),
            "flush_busy_fraction": round(flush_ms / 1000, 3) if flush_ms is not None else None,
            "flush_lag_ms_p50": lags[len(lags) // 2],
            "flush_lag_ms_max": lags[-1],
            "pending_max": max(r["pending"] for r in w),
            "server_cores_avg": avg(w, "server_cores"),
            "db_cores_avg": avg(w, "db_cores"),
            "load1_max": max(r["load1"] for r in w),
        })
        logs = sorted(glob.glob(os.path.join(folder, "diagnostics", "sim-status%d-*.log" % s)))
        if logs:
            step = simlog.window(logs, a, b)
            if step["intervals"]:
                ingest[-1]["status_ack_ms"] = simlog.percentiles(step["status"])
    summary["ingest"] = ingest
    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    with open(os.path.join(folder, "summary.csv"), "w") as f:
        w = csv.writer(f)
        w.writerow(["metric", "value"])
        for step in commands:
            for k, v in step.items():
                if not isinstance(v, dict):
                    w.writerow(["commands.%s.%s" % (step["rate_target"], k), v])
        for step in ingest:
            for k, v in step.items():
                if not isinstance(v, dict):
                    w.writerow(["ingest.%ss.%s" % (step["status_interval_s"], k), v])

    fig, ax = plt.subplots(3, 1, figsize=(11, 10), sharex=True)
    ts = [r["epoch_s"] - t0 for r in timeline]
    ax[0].plot(ts, [r["established"] for r in timeline], label="established device sockets")
    ax[0].plot(ts, [r["sessions"] for r in timeline], label="authenticated sessions")
    ax[0].legend(loc="lower right", fontsize=8)
    ax[0].set_ylabel("sessions")
    ax[1].plot(ts, [r["server_cores"] for r in timeline], label="server", lw=0.8)
    ax[1].plot(ts, [r["db_cores"] for r in timeline], label="MariaDB", lw=0.8)
    ax[1].plot(ts, [r["load1"] for r in timeline], label="load1", lw=0.8, ls="--")
    ax[1].set_ylabel("CPU cores")
    ax[1].legend(loc="upper right")
    per_s = [(cur["epoch_s"] - t0, (cur["rows_written_total"] - prev["rows_written_total"]) / (cur["epoch_s"] - prev["epoch_s"]),
              (cur["reports_total"] - prev["reports_total"]) / (cur["epoch_s"] - prev["epoch_s"]))
             for prev, cur in zip(timeline, timeline[1:]) if cur["epoch_s"] > prev["epoch_s"]]
    ax[2].plot([x for x, _, _ in per_s], [r for _, _, r in per_s], label="status reports applied / s", lw=0.8)
    ax[2].plot([x for x, _, _ in per_s], [y for _, y, _ in per_s], label="device_status rows upserted / s", lw=0.8)
    ax[2].legend(loc="upper left", fontsize=8)
    ax2b = ax[2].twinx()
    ax2b.plot(ts, [r["flush_lag_milliseconds"] for r in timeline], color="tab:red", lw=0.6)
    ax2b.set_ylabel("flush lag (ms)", color="tab:red")
    ax[2].set_ylabel("rows/s")
    ax[2].set_xlabel("seconds since server start")
    for a in ax:
        for name, (t, _) in events.items():
            if name.startswith(("commands_start", "commands_end", "ingest_start", "ingest_end")):
                a.axvline(t - t0, color="grey", lw=0.6, ls=":")
    for name, (t, _) in events.items():
        if name.startswith(("commands_start", "ingest_start")):
            ax[0].text(t - t0, ax[0].get_ylim()[1] * 0.9, name, fontsize=7, rotation=90, va="top")
    ax[0].set_title("Roost commands under load + status ingest: %s" % summary["folder"])
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "load-timeline.png"), dpi=80)

    if commands:
        fig, ax = plt.subplots(figsize=(9, 5))
        x = [c["rate_target"] for c in commands]
        for key, label in (("p50_ms", "p50"), ("p90_ms", "p90"), ("p99_ms", "p99"), ("p999_ms", "p99.9")):
            ax.plot(x, [c[key] for c in commands], marker="o", label=label)
        ax.axhline(20, color="red", ls=":", label="target p99 20 ms")
        ax.set_yscale("log")
        ax.set_xlabel("offered SendCommand rate (calls/s, open loop)")
        ax.set_ylabel("round trip server -> device -> server (ms)")
        axb = ax.twinx()
        axb.plot(x, [c["achieved_per_s"] for c in commands], color="grey", ls="--", marker="x")
        axb.set_ylabel("succeeded / s (grey)", color="grey")
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title("Commands under load: latency percentiles vs load, 19,000 devices online")
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "commands-latency-vs-load.png"), dpi=80)

        fig, ax = plt.subplots(figsize=(9, 5))
        for c in commands:
            p = os.path.join(folder, "commands-%d" % c["rate_target"], "timeline.csv")
            rows = list(csv.DictReader(open(p)))
            ax.plot([int(r["t_ms"]) / 1000 for r in rows], [int(r["p99_us"]) / 1000 for r in rows],
                    label="p99 per second at %d/s" % c["rate_target"], lw=0.8)
        ax.axhline(20, color="red", ls=":", label="target p99 20 ms")
        ax.set_yscale("log")
        ax.set_ylabel("SendCommand round trip p99 per second (ms)")
        ax.set_xlabel("seconds since the step started (10 s warm-up)")
        ax.legend(fontsize=8)
        ax.set_title("Commands under load: p99 per second, each rate")
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "commands-latency.png"), dpi=80)

    if ingest:
        fig, ax = plt.subplots(figsize=(9, 5))
        x = [i["offered_reports_per_s"] for i in ingest]
        ax.plot(x, [i["applied_reports_per_s"] for i in ingest], marker="o", label="reports applied / s")
        ax.plot(x, [i["persisted_rows_per_s"] for i in ingest], marker="o", label="rows upserted / s")
        ax.plot(x, x, color="grey", ls=":", label="offered")
        ax.axhline(10000, color="red", ls=":", label="target 10,000 upserts/s")
        ax.set_xlabel("offered status reports / s (devices / interval)")
        ax.set_ylabel("per second")
        ax.legend(fontsize=8)
        ax.set_title("Status ingest into MariaDB (coalesced per flush)")
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "ingest.png"), dpi=80)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
