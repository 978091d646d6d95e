#!/usr/bin/env bash
# What one idle device session costs Roost, next to what it costs a bare Helidon WebSocket endpoint
# with Roost's server settings (roost-bench.jar baseline-websocket: answers auth, ping and status,
# keeps nothing per connection). Each server in turn, on the same port, with the same simulator:
#   empty    started, no device connected yet;
#   offline  the N devices connected once (Roost: registered through its REST API first) and left;
#   held     N idle authenticated sessions (status every 60 s, pings every 30 s).
# Per session = (held - offline) / N, by component: Java heap (class histogram after a full GC),
# JVM native memory (Native Memory Tracking), RSS and kernel TCP memory. (held - empty) / N also
# counts what Roost keeps of a device once it connected (its reported status, registration).
# Roost runs on embedded H2 under a scratch folder (--mariadb: a fresh database roost_memory on the
# MariaDB at 127.0.0.1:$BENCH_DB_PORT (default 3306), as in production: H2's allocations in the server's heap make Roost's
# young collections more frequent); one simulator process (N < 19,000).
# Results: bench/results/memory-<UTC time>/summary.csv and summary.json (Roost and the baseline
# side by side), histograms, NMT reports and logs per server.
#
#   bench/run-memory.sh [--devices 4000] [--rate 400] [--port 9390] [--mariadb]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
devices=4000 rate=400 port=9390 db=h2
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) devices=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --mariadb) db=mariadb; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
require_free_port "$port"
JAVA_HOME=${JAVA_HOME:-$(./dev mvn -v 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g' \
  | sed -n -e 's/.*runtime: \(.*\)$/\1/p' -e 's/^Java home: \(.*\)$/\1/p' | head -n 1)}
JAVA="$JAVA_HOME/bin/java"; JCMD="$JAVA_HOME/bin/jcmd"
JAVA_OPTS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
for jar in server/target/roost-server.jar edge/target/roost-edge.jar bench/target/roost-bench.jar; do
  [ -f "$jar" ] || { echo "$jar is missing: ./dev mvn -B -q package -DskipTests -pl server,edge,bench -am" >&2; exit 1; }
done
token=bench-admin-token-0123456789abcdef
out=bench/results/memory-$(date -u +%Y%m%d-%H%M%S)
scratch=bench/results/tmp/memory-$$
devices_file=$scratch/devices.csv
mkdir -p "$out" "$scratch"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$scratch"; }
trap cleanup EXIT
{
  echo "date_utc=$(date -u +%FT%TZ)"; echo "nproc=$(nproc)"; echo "devices=$devices"
  echo "java=$("$JAVA" -version 2>&1 | head -n 1)"; echo "git=$(git rev-parse --short HEAD)"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"; echo "db=$db"
} >"$out/machine.txt"
if [ "$db" = mariadb ]; then
  $mysql_cmd -e 'DROP DATABASE IF EXISTS roost_memory; CREATE DATABASE roost_memory'
  db_env=(ROOST_DB_URL=jdbc:mariadb://127.0.0.1:$db_port/roost_memory ROOST_DB_USERNAME=root ROOST_DB_PASSWORD=)
else
  db_env=(ROOST_DB_URL="jdbc:h2:file:$PWD/$scratch/roost;MODE=MySQL;DATABASE_TO_LOWER=TRUE")
fi

established() { ss -Htn state established "( sport = :$port )" | wc -l; }
snapshot() { # target phase: histogram (forces a full GC), NMT, RSS, kernel TCP memory
  local pid=$1 target=$2 phase=$3
  "$JCMD" "$pid" GC.class_histogram >"$out/$target/histogram-$phase.txt"
  "$JCMD" "$pid" VM.native_memory summary >"$out/$target/nmt-$phase.txt"
  echo "$target,$phase,$(established),$(tail -n 1 "$out/$target/histogram-$phase.txt" | awk '{print $3}'),$(awk \
    '/VmRSS/ {print $2}' /proc/"$pid"/status),$(awk '/^TCP:/ {print $NF * 4}' /proc/net/sockstat),$(ls \
    /proc/"$pid"/fd | wc -l),$(cut -d' ' -f1 /proc/loadavg)" >>"$out/snapshots.csv"
}
simulate() { # log duration [simulator options]: one simulator process in the background; sets sim_pid
  local log=$1 duration=$2; shift 2
  "$JAVA" "${JAVA_OPTS[@]}" -Xmx1g -jar edge/target/roost-edge.jar simulate --server-url "ws://127.0.0.1:$port/ws" \
    --devices "$devices" --rate "$rate" --duration "$duration" --status-interval PT60S --token-save-every PT0S \
    "$@" >"$log" 2>&1 &
  sim_pid=$!; pids+=("$sim_pid")
}
await() { # seconds command...: polls once a second until the command succeeds
  local seconds=$1; shift
  for _ in $(seq 1 "$seconds"); do "$@" && return 0; sleep 1; done
  echo "gave up waiting for: $*" >&2; return 1
}
no_connections() { [ "$(established)" -eq 0 ]; }
connected() { grep -q "devices connected after" "$1"; }

# measure target pid first-run-options...: the three phases against the server already started
measure() {
  local target=$1 pid=$2; shift 2
  sleep 5
  snapshot "$pid" "$target" empty
  simulate "$out/$target/simulator-first.log" PT5S "$@"
  wait "$sim_pid" || { echo "$target: the first simulator run failed (see $out/$target/simulator-first.log)" >&2; exit 1; }
  await 60 no_connections
  snapshot "$pid" "$target" offline
  simulate "$out/$target/simulator.log" PT10M --devices-file "$devices_file"
  await 600 connected "$out/$target/simulator.log"
  sleep 20
  snapshot "$pid" "$target" held
  kill "$sim_pid" "$pid"
  wait "$sim_pid" "$pid" 2>/dev/null || true
  await 60 no_connections
}

echo "target,phase,connections,heap_live_bytes,rss_kb,kernel_tcp_kb_both_ends,server_fds,loadavg_1m" >"$out/snapshots.csv"
mkdir -p "$out/roost" "$out/baseline"

env "${db_env[@]}" ROOST_BCRYPT_COST=4 ROOST_ADMIN_TOKEN=$token SERVER_PORT=$port \
  "$JAVA" "${JAVA_OPTS[@]}" -XX:NativeMemoryTracking=summary -Xlog:gc:file="$out/roost/gc.log" \
  -jar server/target/roost-server.jar \
  >"$out/roost/server.log" 2>&1 &
server_pid=$!; pids+=("$server_pid")
await 60 curl -sf "http://127.0.0.1:$port/observe/health" -o /dev/null
measure roost "$server_pid" --admin-token "$token" --save-devices "$devices_file"
require_free_port "$port"

"$JAVA" "${JAVA_OPTS[@]}" -XX:NativeMemoryTracking=summary -Xlog:gc:file="$out/baseline/gc.log" \
  -jar bench/target/roost-bench.jar baseline-websocket \
  --port "$port" >"$out/baseline/server.log" 2>&1 &
server_pid=$!; pids+=("$server_pid")
await 60 grep -q "baseline-websocket: ws://" "$out/baseline/server.log"
measure baseline "$server_pid" --devices-file "$devices_file"
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

/usr/bin/python3 bench/memory_summary.py "$out"
echo "== results in $out" >&2
