#!/usr/bin/env bash
# The fault-injection suite of docs/reliability.md: each scenario starts the real server jar (and, on
# MariaDB, a mariadbd of its own on a free port, never the shared one at 3306), 100 devices built from
# the real agent's link and command runner, injects its fault, lets the system settle and prints
#   scenario=<name> db=<db> commands_lost=N executed_twice=N status_rows_lost=N sessions_disturbed=N server_faults=N result=PASS|FAIL
# Exit code 1 when a run failed that is not listed in --known-failing.
#
#   bench/run-faults.sh [--scenario NAME[,NAME]] [--db h2|mariadb|all] [--devices 100] [--seed 42]
#                       [--settle PT75S] [--outage PT12S] [--lossy-duration PT45S] [--fuzz-actions 600]
#                       [--known-failing scenario:db,...] [--keep]
#
#   --scenario server-kill   kill -9 of the server with commands in every state, restart (h2, mariadb)
#   --scenario db-kill       SIGKILL of the scenario's MariaDB, restart on its data folder (mariadb)
#   --scenario db-freeze     SIGSTOP of the scenario's MariaDB, SIGCONT after --outage (mariadb)
#   --scenario lossy-link    devices through a seeded delay/reset/black-hole TCP proxy (h2, mariadb)
#   --scenario fuzz          hostile WebSocket frames, REST requests and gRPC calls (h2, mariadb)
#   --scenario ci            the subset CI runs: server-kill:h2, db-freeze:mariadb, fuzz:h2
#   --scenario all           everything above on every database it applies to (default)
#
# Needs the jars: ./dev mvn -B -q package -DskipTests. Work folders go to $TMPDIR/roost-faults; a
# failed run keeps its folder (server.log, mariadbd.log, device journals). Everything the suite starts
# is stopped when it ends, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
JAVA_HOME=${JAVA_HOME:-$(./dev mvn -v 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g' \
  | sed -n -e 's/.*runtime: \(.*\)$/\1/p' -e 's/^Java home: \(.*\)$/\1/p' | head -n 1)}
JAVA="$JAVA_HOME/bin/java"
[ -x "$JAVA" ] || { echo "no JDK 21+ found (see ./dev)" >&2; exit 1; }
for jar in server/target/roost-server.jar fault/target/roost-fault.jar; do
  [ -f "$jar" ] || { echo "$jar missing: run ./dev mvn -B -q package -DskipTests" >&2; exit 1; }
done

# The Java program stops its children itself; this trap is the backstop when it was killed first:
# it stops the suite and then exactly the children it recorded (servers, mariadbd), by pid.
pids=$(mktemp "${TMPDIR:-/tmp}/roost-faults-pids.XXXXXX")
suite_pid=
cleanup() {
  if [ -n "$suite_pid" ] && kill -0 "$suite_pid" 2>/dev/null; then
    kill "$suite_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$suite_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$suite_pid" 2>/dev/null || true
  fi
  while read -r pid; do
    [ -n "$pid" ] || continue
    kill -CONT "$pid" 2>/dev/null || true
    kill -9 "$pid" 2>/dev/null || true
  done <"$pids"
  rm -f "$pids"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$JAVA" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Xmx768m \
  -jar fault/target/roost-fault.jar --pid-file "$pids" "$@" &
suite_pid=$!
wait "$suite_pid"
