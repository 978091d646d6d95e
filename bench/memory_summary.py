#!/usr/bin/env python3
"""Memory per idle device session of Roost and of the bare Helidon WebSocket baseline, side by
side, from one bench/run-memory.sh run: reads <run>/snapshots.csv and each server's class
histograms and NMT reports (<run>/roost/, <run>/baseline/), writes <run>/summary.csv and
<run>/summary.json and prints the CSV.

Per session = (held - offline) / sessions held; the "incl. first connect" row uses the empty
server instead of the offline phase.

    bench/memory_summary.py bench/results/memory-<time>
"""
import csv
import json
import re
import sys
from pathlib import Path

TARGETS = ("roost", "baseline")
TOP_CLASSES = 15
MIN_NATIVE_BYTES = 64


def histogram(path):
    classes = {}
    for line in path.read_text().splitlines():
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            count, size = classes.get(m.group(3), (0, 0))
            classes[m.group(3)] = (count + int(m.group(1)), size + int(m.group(2)))
    return classes


def nmt(path):
    committed = {}
    for line in path.read_text().splitlines():
        m = re.match(r"-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", line.strip())
        if m:
            committed[m.group(1).strip()] = int(m.group(2)) * 1024
        m = re.match(r"Total: reserved=\d+KB, committed=(\d+)KB", line.strip())
        if m:
            committed["Total"] = int(m.group(1)) * 1024
    return committed


def per_session(run, target, snapshots):
    held, offline, empty = (snapshots[(target, phase)] for phase in ("held", "offline", "empty"))
    n = int(held["connections"]) - int(offline["connections"])
    if n <= 0:
        raise SystemExit(f"{target}: no sessions were held (see {target}/simulator.log); nothing to divide")
    folder = run / target
    h_held, h_offline = histogram(folder / "histogram-held.txt"), histogram(folder / "histogram-offline.txt")
    n_held, n_offline = nmt(folder / "nmt-held.txt"), nmt(folder / "nmt-offline.txt")

    def delta(field, before=offline, scale=1):
        return (int(held[field]) - int(before[field])) * scale / n

    classes = {}
    for name, (count, size) in h_held.items():
        before = h_offline.get(name, (0, 0))
        classes[name] = {"bytes": (size - before[1]) / n, "instances": (count - before[0]) / n}
    return {
        "sessions": n,
        "heap_live": delta("heap_live_bytes"),
        "heap_live_incl_first_connect": delta("heap_live_bytes", before=empty),
        "classes": classes,
        "native": {cat: (n_held[cat] - n_offline.get(cat, 0)) / n for cat in n_held},
        "rss": delta("rss_kb", scale=1024),
        "kernel_tcp_both_ends": delta("kernel_tcp_kb_both_ends", scale=1024),
        "fds": delta("server_fds"),
        "loadavg_1m_held": float(held["loadavg_1m"]),
    }


def main():
    run = Path(sys.argv[1])
    with open(run / "snapshots.csv") as f:
        snapshots = {(r["target"], r["phase"]): r for r in csv.DictReader(f)}
    results = {target: per_session(run, target, snapshots) for target in TARGETS}
    roost, base = results["roost"], results["baseline"]

    rows = [("sessions", roost["sessions"], base["sessions"], "sessions held (established TCP connections added)"),
            ("heap_live_total", roost["heap_live"], base["heap_live"], "class histogram after a full GC, held - offline"),
            ("heap_live_incl_first_connect", roost["heap_live_incl_first_connect"],
             base["heap_live_incl_first_connect"], "held - empty: adds what the server keeps of a device once seen")]
    names = set(roost["classes"]) | set(base["classes"])
    top = sorted(names, key=lambda c: -max(abs(roost["classes"].get(c, {}).get("bytes", 0)),
                                          abs(base["classes"].get(c, {}).get("bytes", 0))))[:TOP_CLASSES]
    for name in top:
        r, b = roost["classes"].get(name, {}), base["classes"].get(name, {})
        rows.append(("heap:" + name, r.get("bytes", 0), b.get("bytes", 0),
                     "instances per session: %.2f / %.2f" % (r.get("instances", 0), b.get("instances", 0))))
    for cat in sorted(set(roost["native"]) | set(base["native"]),
                      key=lambda c: -max(abs(roost["native"].get(c, 0)), abs(base["native"].get(c, 0)))):
        r, b = roost["native"].get(cat, 0), base["native"].get(cat, 0)
        if cat == "Total" or max(abs(r), abs(b)) >= MIN_NATIVE_BYTES:
            rows.append(("native:" + cat, r, b, "NMT committed"))
    rows += [("rss_total", roost["rss"], base["rss"], "VmRSS (holds committed heap, not only live)"),
             ("kernel_tcp_both_ends", roost["kernel_tcp_both_ends"], base["kernel_tcp_both_ends"],
              "/proc/net/sockstat TCP mem, server and simulator sockets together (loopback)"),
             ("server_fds", roost["fds"], base["fds"], "open file descriptors of the server per session")]

    with open(run / "summary.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["component", "roost_bytes", "baseline_bytes", "roost_minus_baseline", "note"])
        for component, r, b, note in rows:
            w.writerow([component, round(r, 2) if component == "server_fds" else round(r),
                        round(b, 2) if component == "server_fds" else round(b),
                        round(r - b, 2) if component == "server_fds" else round(r - b), note])
    summary = {target: {k: v for k, v in results[target].items() if k != "classes"} for target in TARGETS}
    for target in TARGETS:
        summary[target]["top_classes"] = {c: results[target]["classes"].get(c) for c in top}
    (run / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print((run / "summary.csv").read_text())


if __name__ == "__main__":
    main()
