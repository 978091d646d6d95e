#!/usr/bin/python3
"""Samples the CPU time of the processes of a benchmark run, grouped by role, from /proc.

    bench/proc_cpu.py sample <out.csv> <interval_s> role=pid-or-/regex/ ...

writes epoch_s and, per role, the cumulative CPU seconds (user + system) of its processes: a role
named by a pid is that process; one named by /regex/ sums every process whose command line
matches at the time of each sample (processes that come and go, such as load generators).
Used by bench/run-cluster.sh; plot_cluster.py turns it into cores per role for each phase.
"""
import os
import re
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def main(out, interval, specs):
    roles = []
    for spec in specs:
        name, target = spec.split("=", 1)
        roles.append((name, re.compile(target[1:-1]) if target.startswith("/") else int(target)))
    with open(out, "w", buffering=1) as f:
        f.write("epoch_s," + ",".join(name for name, _ in roles) + "\n")
        while True:
            pids = [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
            lines = {p: None for p in pids}
            values = []
            for _, target in roles:
                if isinstance(target, int):
                    values.append(ticks(target))
                else:
                    total = 0
                    for p in pids:
                        if lines[p] is None:
                            lines[p] = cmdline(p)
                        if target.search(lines[p]):
                            total += ticks(p)
                    values.append(total)
            f.write(f"{time.time():.2f}," + ",".join(f"{v / TICKS:.2f}" for v in values) + "\n")
            time.sleep(interval)


if __name__ == "__main__":
    if len(sys.argv) < 5 or sys.argv[1] != "sample":
        sys.exit(__doc__)
    main(sys.argv[2], float(sys.argv[3]), sys.argv[4:])
