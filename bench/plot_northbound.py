#!/usr/bin/python3
"""Plots a northbound result folder (latency percentiles per operation, completions per second),
optionally against an earlier folder.

    /usr/bin/python3 bench/plot_northbound.py bench/results/northbound-<time> [bench/results/northbound-<older>]
"""
import csv
import json
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def hgrm(path):
    xs, ys = [], []
    for line in open(path):
        parts = line.split()
        if len(parts) == 4 and not line.startswith("#"):
            try:
                value, pct = float(parts[0]), float(parts[1])
            except ValueError:
                continue
            if pct < 1.0:
                xs.append(1 / (1 - pct))
                ys.append(value / 1000.0)  # microseconds -> ms
    return xs, ys


def main(folder, before=None):
    fig, ax = plt.subplots(1, 2, figsize=(13, 5))
    runs = [(folder, "now", "-")] + ([(before, "before", ":")] if before else [])
    for path, label, style in runs:
        for op in ("get", "list", "list-label", "all"):
            p = os.path.join(path, "latency-%s.hgrm" % op)
            if os.path.exists(p):
                xs, ys = hgrm(p)
                ax[0].plot(xs, ys, ls=style, label="%s %s" % (label, op))
        timeline = os.path.join(path, "timeline.csv")
        if not os.path.exists(timeline):
            # Only summaries and plots are kept in git; an older run's raw data may be gone.
            continue
        rows = list(csv.DictReader(open(timeline)))
        ax[1].plot([int(r["second"]) for r in rows], [int(r["completed"]) for r in rows], ls=style,
                   label="%s (%s)" % (label, os.path.basename(path)))
    ax[0].set_xscale("log")
    ax[0].set_yscale("log")
    ax[0].set_xticks([2, 10, 100, 1000, 10000])
    ax[0].set_xticklabels(["50%", "90%", "99%", "99.9%", "99.99%"])
    ax[0].set_ylabel("latency (ms)")
    ax[0].set_title("latency by percentile")
    ax[0].legend(fontsize=7)
    ax[1].set_xlabel("second of the run")
    ax[1].set_ylabel("calls completed per second")
    ax[1].set_title("throughput")
    ax[1].legend(fontsize=7)
    fig.suptitle("Northbound gRPC, 100,000 devices: " + os.path.basename(folder))
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "northbound.png"), dpi=80)
    s = json.load(open(os.path.join(folder, "summary.json")))
    print(json.dumps(s.get("results"), indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:])
