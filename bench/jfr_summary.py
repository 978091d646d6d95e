#!/usr/bin/python3
"""CPU profile summary of a JFR recording: where jdk.ExecutionSample stacks spend their time.

    /usr/bin/python3 bench/jfr_summary.py <recording.jfr> <out.csv> [jfr binary]

Writes rows (kind, name, samples, percent): 'top-package' counts the sample's top frame by
package; 'inclusive' counts samples whose stack contains a frame of a category (bcrypt, JDBC,
logging, ...), so one sample can count in several categories.
"""
import collections
import csv
import subprocess
import sys

CATEGORIES = {
    "bcrypt (device secret verify)": ("org.bouncycastle.crypto.generators.BCrypt",),
    "JDBC / MariaDB driver": ("org.mariadb.jdbc", "com.zaxxer.hikari", "io.helidon.dbclient"),
    "logging (JUL / console)": ("java.util.logging", "io.helidon.logging"),
    "exceptions (fillInStackTrace)": ("java.lang.Throwable.fillInStackTrace",),
    "Jackson JSON": ("com.fasterxml.jackson",),
    "Helidon WebSocket": ("io.helidon.webserver.websocket",),
    "Helidon HTTP/1 upgrade + connection": ("io.helidon.webserver.http1", "io.helidon.webserver.ConnectionHandler"),
    "Roost DeviceChannel.authenticate": ("dev.roost.server.southbound.DeviceChannel.authenticate",),
    "Roost status": ("dev.roost.server.status",),
    "Roost events (EventRecorder)": ("dev.roost.server.event",),
    "Roost commands": ("dev.roost.server.command",),
    "socket I/O (sun.nio.ch)": ("sun.nio.ch",),
}


def main(jfr_file, out, jfr_bin="jfr"):
    text = subprocess.run([jfr_bin, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", jfr_file],
                          capture_output=True, text=True, check=True).stdout
    stacks, current, inside = [], [], False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("stackTrace = ["):
            inside, current = True, []
        elif inside and s == "]":
            inside = False
            stacks.append(current)
        elif inside and s and s != "...":
            current.append(s.split("(")[0])
    total = len(stacks) or 1
    top = collections.Counter()
    incl = collections.Counter()
    for st in stacks:
        if st:
            top[".".join(st[0].split(".")[:3])] += 1
        for name, prefixes in CATEGORIES.items():
            if any(f.startswith(prefixes) for f in st):
                incl[name] += 1
    with open(out, "w") as f:
        w = csv.writer(f)
        w.writerow(["kind", "name", "samples", "percent"])
        w.writerow(["total", "jdk.ExecutionSample", len(stacks), 100.0])
        for name, n in incl.most_common():
            w.writerow(["inclusive", name, n, round(100.0 * n / total, 1)])
        for name, n in top.most_common(15):
            w.writerow(["top-package", name, n, round(100.0 * n / total, 1)])
    print(open(out).read())


if __name__ == "__main__":
    main(*sys.argv[1:])
