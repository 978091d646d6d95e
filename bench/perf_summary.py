#!/usr/bin/python3
"""Where the box's CPU went during a `perf record -e cpu-clock -a -g` recording: per process, user
against kernel time, the kernel time by system call, and the busiest threads.

    perf record -e cpu-clock -F 499 -a -g -o perf.data -- sleep 20
    /usr/bin/python3 bench/perf_summary.py perf.data <pid>=<name> [<pid>=<name> ...] > perf-summary.txt

Shares are of all samples of both cores (idle included), so 50 % is one core. JIT-compiled Java
shows as user time without symbols; bench/jfr_summary.py tells which Java code it is.
"""
import collections
import re
import subprocess
import sys


def samples(data):
    """(pid, thread name, frames top first) per sample, from perf script."""
    out = subprocess.run(["perf", "script", "-i", data, "-F", "pid,tid,comm,ip,sym,dso"],
                         capture_output=True, text=True, check=True).stdout
    pid, comm, frames = None, None, []
    for line in out.splitlines() + [""]:
        if not line.strip():
            if pid is not None:
                yield pid, comm, frames
            pid, frames = None, []
        elif not line.startswith("\t") and (m := re.match(r"(.*?)\s+(\d+)/(\d+)", line)):
            comm, pid, frames = m.group(1).strip(), m.group(2), []
        else:
            frames.append(line.strip())


def symbol(frame):
    m = re.search(r" (\S+) \(", frame)
    return m.group(1) if m else frame


def main():
    data, names = sys.argv[1], dict(arg.split("=", 1) for arg in sys.argv[2:])
    total, kernel = collections.Counter(), collections.Counter()
    calls, threads = collections.Counter(), collections.Counter()
    n = 0
    for pid, comm, frames in samples(data):
        n += 1
        proc = names.get(pid, "idle" if pid == "0" else "other")
        in_kernel = bool(frames) and "[kernel.kallsyms]" in frames[0]
        total[proc] += 1
        if in_kernel:
            kernel[proc] += 1
            entry = next((symbol(f) for f in frames if "__x64_sys_" in f), None)
            calls[(proc, entry or "no system call frame (irq, softirq, scheduler)")] += 1
        threads[(proc, re.sub(r"[-#]?\d+$", "", comm), "kernel" if in_kernel else "user")] += 1
    print(f"samples {n} (both cores)")
    print("\nprocess     all   kernel  user")
    for proc, count in total.most_common():
        print(f"{proc:10s} {100 * count / n:5.1f}% {100 * kernel[proc] / n:6.1f}% {100 * (count - kernel[proc]) / n:5.1f}%")
    print("\nkernel time by system call")
    for (proc, call), count in calls.most_common(20):
        print(f"{proc:10s} {call:45s} {100 * count / n:5.2f}%")
    print("\nthreads")
    for (proc, thread, where), count in threads.most_common(25):
        print(f"{proc:10s} {thread:30s} {where:6s} {100 * count / n:5.2f}%")


if __name__ == "__main__":
    main()
