#!/usr/bin/python3
"""Summarises and plots a bench/run-fleet.sh result folder: summary.json, summary.csv and PNGs.

    /usr/bin/python3 bench/plot_fleet.py bench/results/fleet-<time>

Hold-only latencies (summary "hold.ping_ms" / "hold.status_ms") are exact percentiles over the
HISTOGRAM lines of all hold simulators whose interval lies inside [hold_start, hold_end]
(bench/simlog.py); the plot shows each simulator's interval p50/p99 over time.
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
            events.setdefault(row["event"], (float(row["epoch_s"]), row["value"]))
    timeline = []
    with open(os.path.join(folder, "timeline.csv")) as f:
        for row in csv.DictReader(f):
            try:
                timeline.append({k: float(v) for k, v in row.items()})
            except (ValueError, TypeError):
                pass
    t0 = events["server_up"][0]
    hz = timeline[0]["hz"] if timeline else 100.0
    for prev, cur in zip(timeline, timeline[1:]):
        dt = cur["epoch_s"] - prev["epoch_s"]
        cur["server_cores"] = (cur["server_cpu_ticks"] - prev["server_cpu_ticks"]) / hz / dt if dt > 0 else 0
        cur["db_cores"] = (cur["db_cpu_ticks"] - prev["db_cpu_ticks"]) / hz / dt if dt > 0 else 0
    timeline = timeline[1:]

    memory = {}
    with open(os.path.join(folder, "memory.csv")) as f:
        for row in csv.DictReader(f):
            memory[row["phase"]] = row

    summary = {"folder": os.path.basename(folder)}
    with open(os.path.join(folder, "machine.txt")) as f:
        summary["machine"] = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)

    def window(a, b):
        return [r for r in timeline if events[a][0] <= r["epoch_s"] <= events[b][0]]

    if "before_connect" in memory and "after_hold" in memory:
        b, a = memory["before_connect"], memory["after_hold"]
        sessions = int(a["established"])
        summary["memory"] = {
            "sessions": sessions,
            "heap_before_kb": int(b["heap_used_kb"]), "heap_after_kb": int(a["heap_used_kb"]),
            "rss_before_kb": int(b["rss_kb"]), "rss_after_kb": int(a["rss_kb"]),
            "heap_per_session_kib": round((int(a["heap_used_kb"]) - int(b["heap_used_kb"])) / max(1, sessions), 2),
            "rss_per_session_kib": round((int(a["rss_kb"]) - int(b["rss_kb"])) / max(1, sessions), 2),
        }
    if "hold_start" in events and "hold_end" in events:
        w = window("hold_start", "hold_end")
        summary["hold"] = {
            "seconds": round(events["hold_end"][0] - events["hold_start"][0]),
            "established_min": min(r["established"] for r in w), "established_max": max(r["established"] for r in w),
            "server_cores_avg": round(sum(r["server_cores"] for r in w) / len(w), 3),
            "server_cores_max": round(max(r["server_cores"] for r in w), 3),
            "db_cores_avg": round(sum(r["db_cores"] for r in w) / len(w), 3),
            "load1_min": min(r["load1"] for r in w), "load1_max": max(r["load1"] for r in w),
        }
        hold_logs = sorted(glob.glob(os.path.join(folder, "diagnostics", "hold-*.log")))
        lat = simlog.window(hold_logs, events["hold_start"][0], events["hold_end"][0])
        if lat["intervals"]:
            summary["hold"]["ping_ms"] = simlog.percentiles(lat["ping"])
            summary["hold"]["status_ms"] = simlog.percentiles(lat["status"])
            summary["hold"]["latency_window"] = {
                "simulators": len(hold_logs), "intervals": lat["intervals"],
                "from_s_after_hold_start": round(lat["from_s"] - events["hold_start"][0], 1),
                "to_s_before_hold_end": round(events["hold_end"][0] - lat["to_s"], 1)}
        else:
            summary["hold"]["latency_note"] = "no HISTOGRAM lines in hold-*.log (simulator without --print-histograms)"
        ramp = window("ramp_start", "ramp_done")
        summary["ramp"] = {
            "seconds": round(events["ramp_done"][0] - events["ramp_start"][0], 1),
            "server_cores_avg": round(sum(r["server_cores"] for r in ramp) / max(1, len(ramp)), 3),
            "sim_reports": events["ramp_done"][1],
        }
    sims = {}
    for path in sorted(glob.glob(os.path.join(folder, "diagnostics", "hold-*.log"))):
        rows = simlog.summary_lines(path)
        if rows:
            last = rows[-1]
            name = os.path.basename(path)[:-4]
            sims[name] = rows
            summary.setdefault("hold_sims", {})[name] = {k: last[k] for k in simlog.KEYS}
    storm = {}
    for path in sorted(glob.glob(os.path.join(folder, "diagnostics", "storm-*.log"))):
        rows = simlog.summary_lines(path)
        name = os.path.basename(path)[:-4]
        storm[name] = rows
        with open(path) as f:
            text = f.read()
        m = re.search(r"all (\d+) devices connected after ([\d.]+) s", text)
        summary.setdefault("storm_sims", {})[name] = {
            "connect_time_s": float(m.group(2)) if m else None,
            "last": {k: rows[-1][k] for k in simlog.KEYS} if rows else None,
            # ping/status over the simulator's --duration after every device was back
            "after_all_connected": simlog.hold_summary(path)}
    if "storm_start" in events:
        start = events["storm_start"][0]
        summary["storm"] = {"all_readmitted_s": (None if any(s["connect_time_s"] is None for s in summary["storm_sims"].values()) else max(s["connect_time_s"] for s in summary["storm_sims"].values()))}
        total = sum(1 for _ in open(os.path.join(folder, "memory.csv"))) and int(memory["after_hold"]["established"])
        for r in timeline:
            if r["epoch_s"] >= start and r["established"] >= total:
                summary["storm"]["server_side_all_established_s"] = round(r["epoch_s"] - start, 1)
                break
        for r in timeline:
            if r["epoch_s"] >= start and r.get("sessions", 0) >= total:
                summary["storm"]["server_side_all_sessions_s"] = round(r["epoch_s"] - start, 1)
                break
    for name in ("commands.txt", "commands-after.txt"):
        p = os.path.join(folder, name)
        if os.path.exists(p):
            states = {}
            for line in open(p):
                parts = line.split()
                if len(parts) == 3:
                    states[parts[2]] = states.get(parts[2], 0) + 1
            summary.setdefault("commands", {})[name] = states

    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    with open(os.path.join(folder, "summary.csv"), "w") as f:
        w = csv.writer(f)
        w.writerow(["metric", "value"])

        def flat(prefix, obj):
            for k, v in obj.items():
                if isinstance(v, dict):
                    flat(prefix + k + ".", v)
                else:
                    w.writerow([prefix + k, v])
        flat("", {k: v for k, v in summary.items() if k != "machine"})

    # Plots.
    ts = [r["epoch_s"] - t0 for r in timeline]
    fig, ax = plt.subplots(3, 1, figsize=(11, 10), sharex=True)
    ax[0].plot(ts, [r["established"] for r in timeline], label="established device sockets (ss)")
    if timeline and "sessions" in timeline[0]:
        ax[0].plot(ts, [r["sessions"] for r in timeline], label="authenticated sessions (server meter)")
    if sims:
        base = events["ramp_start"][0] - t0
        rows = list(zip(*sims.values()))
        ax[0].plot([base + r[0]["t"] for r in rows], [sum(x["connected"] for x in r) for r in rows],
                   label="authenticated (simulators)", ls="--")
    for name, rows in storm.items():
        base = events["storm_start"][0] - t0
        ax[0].plot([base + r["t"] for r in rows], [r["connected"] for r in rows], label=name + " authenticated", lw=0.8)
    ax[0].legend(loc="center left", fontsize=7)
    ax[0].set_ylabel("sessions")
    ax0b = ax[0].twinx()
    ax0b.plot(ts, [r["server_rss_kb"] / 1024 for r in timeline], color="tab:red", label="server RSS MiB")
    ax0b.set_ylabel("server RSS (MiB)", color="tab:red")
    ax[1].plot(ts, [r["server_cores"] for r in timeline], label="server", lw=0.8)
    ax[1].plot(ts, [r["db_cores"] for r in timeline], label="MariaDB", lw=0.8)
    ax[1].plot(ts, [r["load1"] for r in timeline], label="load1 (machine)", lw=0.8, ls="--")
    ax[1].set_ylabel("CPU cores")
    ax[1].legend(loc="upper right")
    interval = any("i_ping_p99" in r for rows in sims.values() for r in rows)
    prefix = "i_" if interval else ""
    for name, rows in sims.items():
        base = events["ramp_start"][0] - t0
        rows = [r for r in rows if not r["summary"] and prefix + "ping_p99" in r]
        ax[2].plot([base + r["t"] for r in rows], [r[prefix + "ping_p99"] for r in rows], label=name + " ping p99")
        ax[2].plot([base + r["t"] for r in rows], [r[prefix + "ping_p50"] for r in rows], label=name + " ping p50",
                   ls="--")
        ax[2].plot([base + r["t"] for r in rows], [r[prefix + "status_p99"] for r in rows],
                   label=name + " status p99", ls=":")
    ax[2].set_yscale("log")
    ax[2].set_ylabel("ms (percentiles per summary interval)" if interval else "ms (cumulative percentiles)")
    ax[2].set_xlabel("seconds since server start")
    ax[2].legend(loc="upper right", fontsize=7)
    for a in ax:
        for name, (t, _) in events.items():
            if name in ("ramp_start", "hold_start", "hold_end", "kill_sims", "storm_start", "storm_done"):
                a.axvline(t - t0, color="grey", lw=0.6, ls=":")
    for name in ("ramp_start", "hold_start", "hold_end", "kill_sims", "storm_start"):
        if name in events:
            ax[0].text(events[name][0] - t0, ax[0].get_ylim()[1] * 0.95, name, fontsize=7, rotation=90, va="top")
    ax[0].set_title("Roost fleet hold + storm: %s" % summary["folder"])
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "fleet-timeline.png"), dpi=80)

    if timeline and "sessions" in timeline[0] and "ramp_start" in events:
        end = events.get("hold_end", events.get("ramp_done", (timeline[-1]["epoch_s"], "")))[0]
        pts = [(r["sessions"], r["server_rss_kb"] / 1024) for r in timeline
               if events["ramp_start"][0] <= r["epoch_s"] <= end]
        if pts:
            fig, ax = plt.subplots(figsize=(8, 5))
            ax.scatter([p for p, _ in pts], [q for _, q in pts], s=6)
            ax.set_xlabel("authenticated device sessions (server meter)")
            ax.set_ylabel("server RSS (MiB)")
            ax.set_title("Server RSS vs sessions, ramp and hold (no forced GC: includes garbage)")
            fig.tight_layout()
            fig.savefig(os.path.join(folder, "sessions-vs-rss.png"), dpi=80)

    if storm:
        fig, ax = plt.subplots(figsize=(9, 5))
        start = events["storm_start"][0]
        st = [(r["epoch_s"] - start, r["established"]) for r in timeline if start - 5 <= r["epoch_s"] <= start + 90]
        ax.plot([a for a, _ in st], [b for _, b in st], label="server: established sockets", lw=2)
        if timeline and "sessions" in timeline[0]:
            ss = [(r["epoch_s"] - start, r["sessions"]) for r in timeline if start - 5 <= r["epoch_s"] <= start + 90]
            ax.plot([a for a, _ in ss], [b for _, b in ss], label="server: authenticated sessions", lw=2)
        for name, rows in storm.items():
            ax.plot([r["t"] for r in rows], [r["connected"] for r in rows], label=name + " connected (authenticated)")
            ax.plot([r["t"] for r in rows], [r["failed"] for r in rows], label=name + " failed attempts", ls="--")
        ax.axhline(15, color="white")
        ax.axvline(15, color="red", ls=":", label="target 15 s")
        ax.set_xlabel("seconds since the simulators restarted")
        ax.set_ylabel("devices")
        ax.legend(fontsize=8)
        ax.set_title("Reconnect storm after kill -9 of the simulators")
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "storm.png"), dpi=80)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
