#!/usr/bin/python3
"""Summarises and plots a bench/run-load.sh result folder (commands under load, status ingest).

    /usr/bin/python3 bench/plot_load.py bench/results/load-<time>
"""
import csv
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
        cur["server_cores"] = (cur["server_cpu_ticks"] - prev["server_cpu_ticks"]) / hz / dt
        cur["db_cores"] = (cur["db_cpu_ticks"] - prev["db_cpu_ticks"]) / hz / dt
    timeline = timeline[1:]
    t0 = events["server_up"][0]
    summary = {"folder": os.path.basename(folder)}
    with open(os.path.join(folder, "machine.txt")) as f:
        summary["machine"] = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    p = os.path.join(folder, "commands", "summary.json")
    if os.path.exists(p):
        summary["commands"] = json.load(open(p))
        w = [r for r in timeline if events["commands_start"][0] + 10 <= r["epoch_s"] <= events["commands_end"][0]]
        summary["commands"]["server_cores_avg"] = round(sum(r["server_cores"] for r in w) / max(1, len(w)), 3)
        summary["commands"]["db_cores_avg"] = round(sum(r["db_cores"] for r in w) / max(1, len(w)), 3)
        summary["commands"]["load1_max"] = max((r["load1"] for r in w), default=None)
        summary["commands"]["db_states"] = events.get("commands_db", (0, ""))[1]
    ingest = []
    for name in events:
        m = re.match(r"ingest_start_(\d+)", name)
        if not m or "ingest_end_" + m.group(1) not in events:
            continue
        s = int(m.group(1))
        a, b = events[name][0] + 10, events["ingest_end_%d" % s][0]
        w = [r for r in timeline if a <= r["epoch_s"] <= b]
        if not w:
            continue
        lags = sorted(r["newest_row_age_ms"] for r in w if r["newest_row_age_ms"] >= 0)
        ingest.append({
            "status_interval_s": s,
            "persisted_rows_per_s": round(sum(r["status_rows_last_2s"] for r in w) / len(w) / 2, 1),
            "newest_row_age_ms_p50": lags[len(lags) // 2] if lags else None,
            "newest_row_age_ms_max": lags[-1] if lags else None,
            "server_cores_avg": round(sum(r["server_cores"] for r in w) / len(w), 3),
            "db_cores_avg": round(sum(r["db_cores"] for r in w) / len(w), 3),
            "load1_max": max(r["load1"] for r in w),
        })
        log = os.path.join(folder, "diagnostics", "sim-status%d-1.log" % s)
        if os.path.exists(log):
            lines = [x for x in open(log) if "status->ack" in x]
            if lines:
                m2 = re.search(r"status->ack ms p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) max=([\d.]+)", lines[-1])
                ingest[-1]["sim1_status_ack_ms"] = dict(zip(["p50", "p90", "p99", "max"], map(float, m2.groups())))
            # exact, over the step only (the line above is cumulative since the simulator started)
            step = simlog.window([log], events[name][0], events["ingest_end_%d" % s][0])
            if step["intervals"]:
                ingest[-1]["sim1_status_ack_ms_step"] = simlog.percentiles(step["status"])
    summary["ingest"] = ingest
    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    with open(os.path.join(folder, "summary.csv"), "w") as f:
        w = csv.writer(f)
        w.writerow(["metric", "value"])
        for k, v in summary.get("commands", {}).items():
            if not isinstance(v, dict):
                w.writerow(["commands." + k, v])
        for step in ingest:
            for k, v in step.items():
                if not isinstance(v, dict):
                    w.writerow(["ingest.%ss.%s" % (step["status_interval_s"], k), v])

    fig, ax = plt.subplots(3, 1, figsize=(11, 10), sharex=True)
    ts = [r["epoch_s"] - t0 for r in timeline]
    ax[0].plot(ts, [r["established"] for r in timeline], label="established device sockets")
    ax[0].set_ylabel("sessions")
    ax[1].plot(ts, [r["server_cores"] for r in timeline], label="server", lw=0.8)
    ax[1].plot(ts, [r["db_cores"] for r in timeline], label="MariaDB", lw=0.8)
    ax[1].plot(ts, [r["load1"] for r in timeline], label="load1", lw=0.8, ls="--")
    ax[1].set_ylabel("CPU cores")
    ax[1].legend(loc="upper right")
    ax[2].plot(ts, [r["status_rows_last_2s"] / 2 for r in timeline], label="device_status rows persisted / s")
    ax2b = ax[2].twinx()
    ax2b.plot(ts, [r["newest_row_age_ms"] for r in timeline], color="tab:red", lw=0.6, label="newest row age ms")
    ax2b.set_ylabel("newest row age (ms)", color="tab:red")
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

    p = os.path.join(folder, "commands", "timeline.csv")
    if os.path.exists(p):
        rows = list(csv.DictReader(open(p)))
        fig, ax = plt.subplots(figsize=(9, 5))
        x = [int(r["t_ms"]) / 1000 for r in rows]
        ax.plot(x, [int(r["p50_us"]) / 1000 for r in rows], label="p50 per second")
        ax.plot(x, [int(r["p99_us"]) / 1000 for r in rows], label="p99 per second")
        ax.plot(x, [int(r["max_us"]) / 1000 for r in rows], label="max per second", lw=0.6)
        ax.axhline(20, color="red", ls=":", label="target p99 20 ms")
        ax.set_yscale("log")
        ax.set_ylabel("SendCommand round trip (ms)")
        ax.set_xlabel("seconds since the load started")
        axb = ax.twinx()
        axb.plot(x, [int(r["succeeded"]) for r in rows], color="grey", lw=0.6)
        axb.set_ylabel("succeeded / s", color="grey")
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title("Commands under load (SendCommand with wait, open loop)")
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "commands-latency.png"), dpi=80)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
