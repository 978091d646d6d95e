#!/usr/bin/env python3
"""Server CPU per GetDevice call of Roost and of the bare Helidon baseline, from one
run-northbound.sh --baseline run: reads <run>/roost-N/northbound-*/summary.json and
<run>/baseline-N/..., prints a table per round, the medians and Roost's ratio to the baseline,
and writes <run>/compare.json.

    bench/compare_northbound.py bench/results/northbound-baseline-<time>
"""
import json
import statistics
import sys
from pathlib import Path


def load(folder):
    summaries = sorted(folder.glob("northbound-*/summary.json"))
    if not summaries:
        raise SystemExit(f"no summary.json under {folder}")
    summary = json.loads(summaries[-1].read_text())
    total = next(row for row in summary["results"] if row["operation"] == "all")
    seconds = total["calls"] / total["calls_per_second"] if total["calls_per_second"] else 0
    cores = summary["cpu_cores"]
    server = cores.get("server")
    selects = folder / "db-selects.txt"
    return {
        "db_selects": int(selects.read_text()) if selects.exists() else None,
        "calls": total["calls"],
        "errors": total["errors"],
        "calls_per_second": total["calls_per_second"],
        "p99_ms": total["p99_ms"],
        "server_cores": server,
        "bench_cores": cores.get("bench"),
        "machine_cores": cores.get("machine"),
        "server_cpu_us_per_call": server * seconds / total["calls"] * 1e6 if server and total["calls"] else None,
    }


def main():
    run = Path(sys.argv[1])
    rounds = sorted({int(p.name.split("-")[1]) for p in run.glob("roost-*")})
    table = []
    for n in rounds:
        for side in ("roost", "baseline"):
            row = load(run / f"{side}-{n}")
            row.update(round=n, server=side)
            table.append(row)
    print(f"{'round':>5} {'server':<9} {'calls/s':>9} {'p99 ms':>8} {'server cores':>12} {'bench cores':>11} "
          f"{'machine cores':>13} {'server CPU us/call':>18} {'DB selects':>10}")
    for row in table:
        print(f"{row['round']:>5} {row['server']:<9} {row['calls_per_second']:>9,.0f} {row['p99_ms']:>8.2f} "
              f"{row['server_cores']:>12.2f} {row['bench_cores']:>11.2f} {row['machine_cores']:>13.2f} "
              f"{row['server_cpu_us_per_call']:>18.1f} "
              f"{'' if row['db_selects'] is None else format(row['db_selects'], ','):>10}")
    median = {side: statistics.median(r["server_cpu_us_per_call"] for r in table if r["server"] == side)
              for side in ("roost", "baseline")}
    ratios = [a["server_cpu_us_per_call"] / b["server_cpu_us_per_call"]
              for a, b in zip([r for r in table if r["server"] == "roost"],
                              [r for r in table if r["server"] == "baseline"])]
    ratio = median["roost"] / median["baseline"]
    print(f"median server CPU per call: Roost {median['roost']:.1f} us, baseline {median['baseline']:.1f} us; "
          f"ratio {ratio:.2f} (per round: {', '.join(f'{r:.2f}' for r in ratios)}; goal <= 1.2)")
    (run / "compare.json").write_text(json.dumps({"rounds": table, "median_cpu_us_per_call": median,
                                                  "ratio": ratio, "ratio_per_round": ratios}, indent=2))


if __name__ == "__main__":
    main()
