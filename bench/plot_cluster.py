#!/usr/bin/python3
"""Summarises a bench/run-cluster.sh result folder: summary.csv / summary.json and a presence plot
(online devices cluster-wide and per node over time, with the run's events marked).

    /usr/bin/python3 bench/plot_cluster.py bench/results/cluster-<time>
"""
import csv
import json
import os
import sys


def events(folder):
    out = []
    for row in csv.DictReader(open(os.path.join(folder, "events.csv"))):
        out.append((float(row["epoch_s"]), row["event"], row["value"]))
    return out


def at(evs, name):
    for t, event, value in evs:
        if event == name:
            return t, value
    return None, None


def commands(folder, name):
    path = os.path.join(folder, name, "summary.json")
    if not os.path.exists(path):
        return None
    s = json.load(open(path))
    return {k: s.get(k) for k in ("rate_target", "sent_total", "measured_succeeded", "p50_ms", "p99_ms", "max_ms",
                                 "outcomes")}


def cores_by_role(folder, start, end):
    """Average cores each role of cpu.csv used between two times (None when not sampled).

    A role summed over processes that come and go (the load generators) drops when one exits; such
    a step counts as zero, so a phase loses at most one sample interval of an exiting process.
    """
    path = os.path.join(folder, "cpu.csv")
    if start is None or end is None or not os.path.exists(path):
        return None
    rows = [r for r in csv.DictReader(open(path)) if start <= float(r["epoch_s"]) <= end]
    if len(rows) < 2:
        return None
    roles = [k for k in rows[0] if k != "epoch_s"]
    seconds = float(rows[-1]["epoch_s"]) - float(rows[0]["epoch_s"])
    used = {role: 0.0 for role in roles}
    for before, after in zip(rows, rows[1:]):
        for role in roles:
            used[role] += max(0.0, float(after[role]) - float(before[role]))
    return {role: round(used[role] / seconds, 3) for role in roles}


def db_status(folder, name):
    path = os.path.join(folder, "diagnostics", f"db-status-{name}.txt")
    if not os.path.exists(path):
        return None
    return {k: float(v) for k, v in (line.split("\t")[:2] for line in open(path) if "\t" in line)
            if v.strip().replace(".", "", 1).isdigit()}


def database_per_command(folder, succeeded):
    """Statements, commits and fsyncs per successful command over the measured phase (questions:
    everything the clients sent, SET autocommit of each transaction included)."""
    start, end = db_status(folder, "start"), db_status(folder, "end")
    if not start or not end or not succeeded:
        return None
    keys = {"questions": "Questions", "selects": "Com_select", "inserts": "Com_insert", "updates": "Com_update",
            "deletes": "Com_delete", "set_options": "Com_set_option", "commits": "Com_commit",
            "fsyncs": "Innodb_data_fsyncs"}
    per = {name: round((end.get(key, 0) - start.get(key, 0)) / succeeded, 3) for name, key in keys.items()}
    # As run-load.sh counts them: the statements that read or write rows.
    per["statements"] = round(per["selects"] + per["inserts"] + per["updates"] + per["deletes"], 3)
    return per


def duplicates(folder):
    path = os.path.join(folder, "diagnostics", "duplicates.txt")
    if not os.path.exists(path):
        return None
    return sum(int(line.split("=")[1]) for line in open(path) if "=" in line)


def main(folder):
    evs = events(folder)
    ramp_start, _ = at(evs, "ramp_start")
    ramp_done, total = at(evs, "ramp_done")
    killed, victim = at(evs, "node_killed")
    back, online_after = at(evs, "all_online_again")
    converged, converged_value = at(evs, "presence_converged")
    hold_start, _ = at(evs, "hold_start")
    commands_start, _ = at(evs, "commands_start")
    commands_measured, _ = at(evs, "commands_measured")
    commands_done, _ = at(evs, "commands_done")
    summary = {
        "folder": os.path.basename(folder),
        "machine": dict(line.strip().split("=", 1) for line in open(os.path.join(folder, "machine.txt"))
                        if "=" in line),
        "devices": int(total) if total else None,
        "ramp_s": round(ramp_done - ramp_start, 1) if ramp_done and ramp_start else None,
        "commands_same_node": commands(folder, "commands-same-node"),
        "commands_cross_node": commands(folder, "commands-cross-node"),
        "cores_hold": cores_by_role(folder, hold_start, commands_start),
        "cores_commands": cores_by_role(folder, commands_measured, commands_done),
        "database_per_command": database_per_command(folder, sum(
            (commands(folder, name) or {}).get("measured_succeeded") or 0
            for name in ("commands-same-node", "commands-cross-node"))),
        "kill": None if killed is None else {
            "node": victim,
            "seconds_until_all_online": round(back - killed, 1) if back else None,
            "seconds_until_presence_converged": round(converged - killed, 1) if converged else None,
            "presence_after": converged_value,
            "online_after": online_after,
            "commands_during_kill": commands(folder, "commands-during-kill"),
            "duplicate_commands_answered_again": duplicates(folder),
        },
    }
    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(folder, "summary.csv"), "w") as f:
        w = csv.writer(f)
        w.writerow(["metric", "value"])
        w.writerow(["devices", summary["devices"]])
        w.writerow(["ramp_s", summary["ramp_s"]])
        for name in ("commands_same_node", "commands_cross_node"):
            c = summary[name] or {}
            w.writerow([name + "_p50_ms", c.get("p50_ms")])
            w.writerow([name + "_p99_ms", c.get("p99_ms")])
            w.writerow([name + "_succeeded", c.get("measured_succeeded")])
        for name, value in (summary["database_per_command"] or {}).items():
            w.writerow([f"database_{name}_per_command", value])
        for phase in ("cores_hold", "cores_commands"):
            for role, cores in (summary[phase] or {}).items():
                w.writerow([f"{phase}_{role}", cores])
        if summary["kill"]:
            w.writerow(["kill_seconds_until_all_online", summary["kill"]["seconds_until_all_online"]])
            w.writerow(["kill_seconds_until_presence_converged", summary["kill"]["seconds_until_presence_converged"]])
            during = summary["kill"]["commands_during_kill"] or {}
            w.writerow(["kill_commands_outcomes", json.dumps(during.get("outcomes"))])
            w.writerow(["kill_duplicate_commands_answered_again", summary["kill"]["duplicate_commands_answered_again"]])
    print(json.dumps(summary, indent=1))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = list(csv.DictReader(open(os.path.join(folder, "presence.csv"))))
    if not rows:
        return
    t0 = float(rows[0]["epoch_s"])
    xs = [float(r["epoch_s"]) - t0 for r in rows]
    fig, ax = plt.subplots(figsize=(12, 5))

    def series(key):
        return [int(r[key]) if r.get(key) not in (None, "") else None for r in rows]

    ax.plot(xs, series("cluster_online"), label="online, cluster-wide (node 1's view)", lw=2)
    for key in rows[0]:
        if key.startswith("node_"):
            ax.plot(xs, series(key), label="sessions on " + key.replace("_", " "), lw=1)
    for t, event, _ in evs:
        if event in ("ramp_done", "commands_start", "node_killed", "all_online_again", "presence_converged"):
            ax.axvline(t - t0, color="grey", ls=":")
            ax.text(t - t0, ax.get_ylim()[1] * 0.95, event, rotation=90, fontsize=7, va="top")
    ax.set_xlabel("seconds")
    ax.set_ylabel("devices")
    ax.set_title("Cluster presence: " + os.path.basename(folder))
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "presence.png"), dpi=80)


if __name__ == "__main__":
    main(*sys.argv[1:])
