"""Parses the output of `roost-edge.jar simulate` (format: docs/edge.md, "Output").

- summary_lines(path): every `t=` / `SUMMARY t=` line as a dict: the cumulative figures (KEYS) and,
  when the line has one, its interval section (INTERVAL_KEYS, NaN for an empty interval);
- histograms(path): every `HISTOGRAM` line: epoch seconds from/to and the bucket counts;
- window(paths, start_s, end_s): the buckets of all HISTOGRAM lines of those logs whose interval lies
  inside [start_s, end_s], added up (one or several simulators);
- percentiles(buckets): p50/p90/p99/max in ms and n, computed as the simulator does (rank
  ceil(n*p/100), value = the bucket's upper bound), so they are exact for the merged samples;
- hold_summary(path): the `SUMMARY hold` line.
"""
import math
import re

LINE = re.compile(r"t=(\d+)s connected=(\d+) connects=(\d+) reconnects=(\d+) failed_attempts=(\d+) "
                  r"disconnects=(\d+) commands=(\d+)(?: duplicate_commands=\d+)? \| ping->pong ms p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) "
                  r"max=([\d.]+) \(n=(\d+)\) \| status->ack ms p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) "
                  r"max=([\d.]+) \(n=(\d+)\) \| heap_used_mb=(\d+) heap_committed_mb=(\d+) rss_mb=(-?\d+)")
KEYS = ["t", "connected", "connects", "reconnects", "failed", "disconnects", "commands", "ping_p50", "ping_p90",
        "ping_p99", "ping_max", "ping_n", "status_p50", "status_p90", "status_p99", "status_max", "status_n",
        "heap_used_mb", "heap_committed_mb", "rss_mb"]
LATENCIES = (r"ping ms p50=([\d.]+) p99=([\d.]+) max=([\d.]+) \(n=(\d+)\) "
             r"status ms p50=([\d.]+) p99=([\d.]+) max=([\d.]+) \(n=(\d+)\)")
INTERVAL = re.compile(r"\| interval " + LATENCIES)
INTERVAL_KEYS = ["i_ping_p50", "i_ping_p99", "i_ping_max", "i_ping_n",
                 "i_status_p50", "i_status_p99", "i_status_max", "i_status_n"]
HOLD = re.compile(r"^SUMMARY hold seconds=([\d.]+) " + LATENCIES)
HISTOGRAM = re.compile(r"^HISTOGRAM t=(\d+)s from_ms=(\d+) to_ms=(\d+) ping_us=(\S+) status_us=(\S+)")


def _latencies(prefix, values):
    row = dict(zip([prefix + k for k in ("ping_p50", "ping_p99", "ping_max", "ping_n",
                                         "status_p50", "status_p99", "status_max", "status_n")],
                   [float(v) for v in values]))
    for kind in ("ping", "status"):
        if row[prefix + kind + "_n"] == 0:  # no samples: no percentile (0.0 would be a lie on a log scale)
            for k in ("_p50", "_p99", "_max"):
                row[prefix + kind + k] = float("nan")
    return row


def summary_lines(path):
    rows = []
    with open(path) as f:
        for text in f:
            m = LINE.search(text)
            if m:
                row = dict(zip(KEYS, [float(g) for g in m.groups()]), summary=text.startswith("SUMMARY"))
                i = INTERVAL.search(text)
                if i:
                    row.update(_latencies("i_", i.groups()))
                rows.append(row)
    return rows


def hold_summary(path):
    with open(path) as f:
        for text in f:
            m = HOLD.match(text)
            if m:
                row = _latencies("", m.groups()[1:])
                row["seconds"] = float(m.group(1))
                return row
    return None


def parse_buckets(text):
    if text == "-":
        return {}
    return {int(ub): int(n) for ub, n in (pair.split(":") for pair in text.split(","))}


def histograms(path):
    lines = []
    with open(path) as f:
        for text in f:
            m = HISTOGRAM.match(text)
            if m:
                lines.append({"t": int(m.group(1)), "from_s": int(m.group(2)) / 1000.0,
                              "to_s": int(m.group(3)) / 1000.0,
                              "ping": parse_buckets(m.group(4)), "status": parse_buckets(m.group(5))})
    return lines


def merge(bucket_dicts):
    total = {}
    for buckets in bucket_dicts:
        for ub, n in buckets.items():
            total[ub] = total.get(ub, 0) + n
    return total


def percentiles(buckets):
    """p50/p90/p99/max in ms and n of merged buckets, exactly as LatencyHistogram.percentileMicros."""
    n = sum(buckets.values())
    result = {"n": n}
    for name, p in (("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("max", 100.0)):
        if n == 0:
            result[name] = None
            continue
        rank = max(1, math.ceil(n * p / 100.0))
        seen = 0
        for ub in sorted(buckets):
            seen += buckets[ub]
            if seen >= rank:
                result[name] = round(ub / 1000.0, 1)
                break
    return result


def window(paths, start_s, end_s):
    """Merged ping and status buckets of the HISTOGRAM lines (of all `paths`) inside [start_s, end_s]."""
    inside = [h for path in paths for h in histograms(path) if h["from_s"] >= start_s and h["to_s"] <= end_s]
    return {
        "intervals": len(inside),
        "from_s": min((h["from_s"] for h in inside), default=None),
        "to_s": max((h["to_s"] for h in inside), default=None),
        "ping": merge(h["ping"] for h in inside),
        "status": merge(h["status"] for h in inside),
    }
