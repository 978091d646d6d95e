#!/usr/bin/env bash
# Scenarios 1 (hold) and 2 (reconnect storm) of docs/benchmarks.md in one command: a server on a
# fresh MariaDB database, simulator processes (9,500 devices each by default, since one process
# holds < 20,000 descriptors) spread over 127.0.0.x, a hold with heartbeats every 30 s and status
# diffs every 60 s, then kill -9 of the simulators, a few commands queued to the offline devices,
# a restart of the simulators from their saved device files and session tokens
# (devices-N.csv.tokens, so the storm costs the server a MAC per device, not a bcrypt; with
# --storm-secrets the restarted simulators ignore the tokens and authenticate with their secrets)
# and a JFR CPU profile of the storm. The hold simulators print interval histograms; plot_fleet.py
# merges those inside the hold window into exact hold-only ping/status percentiles.
# Raw results and PNG plots go to bench/results/fleet-<UTC time>/.
#
#   bench/run-fleet.sh [--sims 2] [--devices-per-sim 9500] [--hold-seconds 600] [--rate 200]
#                      [--storm-rate 5000] [--source-addresses 8] [--port 9290] [--no-storm]
#                      [--storm-secrets]
#
# The server runs with ROOST_BCRYPT_COST=4: the device secrets are hashed at registration at cost 4
# and verified at that cost on every secret authentication (connect after a restart).
# MariaDB at 127.0.0.1:$BENCH_DB_PORT (default 3306; root, no password); the database roost_fleet is dropped and created.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

sims=2 per_sim=9500 hold=600 rate=200 storm_rate=5000 sources=8 port=9290 storm=1 commands=10 storm_tokens=PT10S
while [ $# -gt 0 ]; do
  case "$1" in
    --sims) sims=$2; shift 2 ;;
    --devices-per-sim) per_sim=$2; shift 2 ;;
    --hold-seconds) hold=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --storm-rate) storm_rate=$2; shift 2 ;;
    --source-addresses) sources=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --commands) commands=$2; shift 2 ;;
    --no-storm) storm=0; shift ;;
    --storm-secrets) storm_tokens=PT0S; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
require_free_port "$port"

JAVA_HOME=${JAVA_HOME:-$(./dev mvn -v 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g' \
  | sed -n -e 's/.*runtime: \(.*\)$/\1/p' -e 's/^Java home: \(.*\)$/\1/p' | head -n 1)}
JAVA="$JAVA_HOME/bin/java"; JCMD="$JAVA_HOME/bin/jcmd"
JAVA_OPTS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
[ -x "$JAVA" ] || { echo "no JDK 21+ found (see ./dev)" >&2; exit 1; }
for jar in server/target/roost-server.jar edge/target/roost-edge.jar; do
  [ -f "$jar" ] || { echo "$jar missing: run ./dev build" >&2; exit 1; }
done

out=bench/results/fleet-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out/diagnostics"
events="$out/events.csv"
echo "epoch_s,event,value" >"$events"
ev() { echo "$(date +%s.%N | cut -c1-14),$1,${2:-}" >>"$events"; echo "== $(date -u +%T) $1 ${2:-} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2; }

token=bench-admin-token-0123456789abcdef
$mysql_cmd -e 'DROP DATABASE IF EXISTS roost_fleet; CREATE DATABASE roost_fleet'

{
  echo "date_utc=$(date -u +%FT%TZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "mem_total_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "java=$("$JAVA" -version 2>&1 | head -n 1)"
  echo "mariadb=$($mysql_cmd -N -e 'select version()')"
  echo "args=sims=$sims per_sim=$per_sim hold=$hold rate=$rate storm_rate=$storm_rate sources=$sources storm_token_save_every=$storm_tokens"
  echo "git=$(git rev-parse --short HEAD)"
  shared_box_facts
} >"$out/machine.txt"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "== starting the server on :$port (MariaDB roost_fleet, bcrypt cost 4)" >&2
ROOST_DB_URL=jdbc:mariadb://127.0.0.1:$db_port/roost_fleet ROOST_DB_USERNAME=root ROOST_DB_PASSWORD= \
ROOST_BCRYPT_COST=4 ROOST_ADMIN_TOKEN=$token SERVER_PORT=$port \
ROOST_SOUTHBOUND_HEARTBEAT_dash_INTERVAL=PT30S \
  "$JAVA" "${JAVA_OPTS[@]}" -Xlog:gc:file="$out/diagnostics/server-gc.log" ${SERVER_JAVA_OPTS:-} \
  -jar server/target/roost-server.jar >"$out/diagnostics/server.log" 2>&1 &
server_pid=$!; pids+=("$server_pid")
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/observe/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the server exited; see $out/diagnostics/server.log" >&2; exit 1; }
  sleep 0.5
done
ev server_up "$server_pid"

# Timeline sampler: server RSS, CPU ticks, threads, fds, established device sockets, MariaDB CPU.
db_pid=$(db_pid_of_port)
hz=$(getconf CLK_TCK)
(
  echo "epoch_s,server_rss_kb,server_cpu_ticks,server_threads,server_fds,established,db_cpu_ticks,load1,hz,sessions"
  while kill -0 "$server_pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status 2>/dev/null || echo 0)
    thr=$(awk '/Threads/ {print $2}' /proc/$server_pid/status 2>/dev/null || echo 0)
    cpu=$(awk '{print $14+$15}' /proc/$server_pid/stat 2>/dev/null || echo 0)
    dbc=$(awk '{print $14+$15}' /proc/$db_pid/stat 2>/dev/null || echo 0)
    fds=$(ls /proc/$server_pid/fd 2>/dev/null | wc -l)
    est=$(ss -Htn state established "( sport = :$port )" 2>/dev/null | wc -l)
    # Authenticated sessions as the server counts them (one meter, not the whole metrics page).
    ses=$(curl -s -m 2 "http://127.0.0.1:$port/observe/metrics?scope=application&name=roost.device.sessions" \
      2>/dev/null | awk '/^roost_device_sessions/ {printf "%d", $2}' || true)
    echo "$(date +%s.%N | cut -c1-14),$rss,$cpu,$thr,$fds,$est,$dbc,$(cut -d' ' -f1 /proc/loadavg),$hz,${ses:-0}"
    sleep 1
  done
) >"$out/timeline.csv" &
sampler_pid=$!; pids+=("$sampler_pid")

heap_snapshot() { # name: full GC, then heap used (KiB) and RSS (KiB) into memory.csv
  "$JCMD" "$server_pid" GC.run >/dev/null
  sleep 2
  "$JCMD" "$server_pid" GC.heap_info >"$out/diagnostics/heap-$1.txt"
  local used rss
  # G1 prints "used 123456K", ZGC "used 58M".
  # Another format leaves the figure empty rather than stopping the run.
  used=$( (grep -oE 'used [0-9]+[KMG]' "$out/diagnostics/heap-$1.txt" || true) | head -n 1 \
    | awk '{ n = $2 + 0; u = substr($2, length($2)); print (u == "G" ? n * 1048576 : u == "M" ? n * 1024 : n) }')
  rss=$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status)
  echo "$1,$(date +%s),$used,$rss,$(ss -Htn state established "( sport = :$port )" | wc -l)" >>"$out/memory.csv"
}
echo "phase,epoch_s,heap_used_kb,rss_kb,established" >"$out/memory.csv"

sim() { # name, websocket url, args...
  local name=$1 url=$2; shift 2
  "$JAVA" "${JAVA_OPTS[@]}" -Xmx1g ${SIM_JAVA_OPTS:-} -jar edge/target/roost-edge.jar simulate \
    --server-url "$url" --api-url "http://127.0.0.1:$port" "$@" >"$out/diagnostics/$name.log" 2>&1 &
  echo $!
}
wait_for() { # log pattern timeout_s
  for _ in $(seq 1 $(( $3 * 5 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

# 1. Provision: register the devices over REST and save them, without connecting (the WebSocket
#    URL points at a closed port); the process is stopped once the file is written.
ev provision_start
reg=()
for i in $(seq 1 "$sims"); do
  reg+=("$(sim "register-$i" ws://127.0.0.1:1/ws --admin-token "$token" --devices "$per_sim" \
    --save-devices "$out/devices-$i.csv" --duration PT1S --rate 1)")
done
for i in $(seq 1 "$sims"); do
  wait_for "$out/diagnostics/register-$i.log" "starting $per_sim devices" 900 || { echo "registration $i failed" >&2; exit 1; }
  kill -9 "${reg[$((i-1))]}" 2>/dev/null || true
done
ev provision_done "$(grep -h 'registered' "$out"/diagnostics/register-*.log | tr '\n' ' ')"
sleep 5
heap_snapshot before_connect

# 2. Ramp and hold (a JFR CPU profile covers the first 60 s of the ramp).
"$JCMD" "$server_pid" JFR.start name=ramp settings=profile duration=60s filename="$PWD/$out/ramp.jfr" >/dev/null
ev ramp_start
simpids=()
for i in $(seq 1 "$sims"); do
  p=$(sim "hold-$i" "ws://127.0.0.1:$port/ws" --devices-file "$out/devices-$i.csv" --devices "$per_sim" --rate "$rate" \
    --source-addresses "$sources" --status-interval PT60S --duration PT10H --summary-every PT10S --print-histograms)
  simpids+=("$p"); pids+=("$p")
done
for i in $(seq 1 "$sims"); do
  wait_for "$out/diagnostics/hold-$i.log" "all $per_sim devices connected" 900 || { ev ramp_failed "$(grep -c 'server socket is terminating' "$out/diagnostics/server.log") listener deaths"; exit 1; }
done
ev ramp_done "$(grep -h 'devices connected after' "$out"/diagnostics/hold-*.log | tr '\n' ' ')"
ev hold_start
sleep "$hold"
ev hold_end
heap_snapshot after_hold
"$JCMD" "$server_pid" GC.class_histogram >"$out/diagnostics/class-histogram-held.txt"
"$JCMD" "$server_pid" Thread.print >"$out/diagnostics/threads-held.txt"
for i in $(seq 1 "$sims"); do grep '^t=' "$out/diagnostics/hold-$i.log" | tail -n 1 >"$out/diagnostics/hold-$i.last" || true; done

if [ "$storm" = 1 ]; then
  # 3. Storm: kill -9 every simulator; queue commands to devices while they are offline.
  ev kill_sims
  for p in "${simpids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for _ in $(seq 1 120); do
    [ "$(ss -Htn state established "( sport = :$port )" | wc -l)" -le 5 ] && break; sleep 0.5
  done
  ev offline "$(ss -Htn state established "( sport = :$port )" | wc -l)"
  : >"$out/commands.txt"
  for dev in $(shuf -n "$commands" --random-source=<(yes) <(cut -d, -f1 "$out"/devices-*.csv)); do
    curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d '{"name":"bench.noop","params":{"storm":true},"timeout_ms":60000}' \
      "http://127.0.0.1:$port/api/v1/devices/$dev/commands" \
      | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d["id"], d["device_id"], d["state"])' \
      >>"$out/commands.txt"
  done
  ev commands_queued "$(wc -l <"$out/commands.txt")"
  "$JCMD" "$server_pid" JFR.start name=storm settings=profile filename="$PWD/$out/storm.jfr" >/dev/null
  ev storm_start
  simpids=()
  for i in $(seq 1 "$sims"); do
    p=$(sim "storm-$i" "ws://127.0.0.1:$port/ws" --devices-file "$out/devices-$i.csv" --devices "$per_sim" --rate "$storm_rate" \
      --source-addresses "$sources" --status-interval PT60S --duration PT60S --summary-every PT1S \
      --token-save-every "$storm_tokens")
    simpids+=("$p"); pids+=("$p")
  done
  for i in $(seq 1 "$sims"); do
    for _ in $(seq 1 900); do
      grep -q "all $per_sim devices connected" "$out/diagnostics/storm-$i.log" && break
      # Helidon stops listening for good when accept() fails with EMFILE; no point in waiting then
      grep -q 'server socket is terminating' "$out/diagnostics/server.log" && { ev listener_died; break 2; }
      sleep 0.2
    done
  done
  ev storm_done "$(grep -h 'devices connected after' "$out"/diagnostics/storm-*.log | tr '\n' ' ')"
  ev storm_tokens "$(grep -h 'session tokens' "$out"/diagnostics/storm-*.log | tr '\n' ' ')"
  sleep 10
  "$JCMD" "$server_pid" JFR.stop name=storm >/dev/null
  ev jfr_stopped
  : >"$out/commands-after.txt"
  while read -r id dev state; do
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/commands/$id?wait_timeout_ms=30000" \
      | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d["id"], d["device_id"], d["state"])' \
      >>"$out/commands-after.txt" || echo "$id $dev UNKNOWN" >>"$out/commands-after.txt"
  done <"$out/commands.txt"
  ev commands_checked "$(awk '{print $3}' "$out/commands-after.txt" | sort | uniq -c | tr '\n' ' ')"
  for p in "${simpids[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 1; done; done
  ev storm_sims_exited
fi

$mysql_cmd -N -e "select count(*), timestampdiff(second, min(reported_at), now()), timestampdiff(second, max(reported_at), now()) from roost_fleet.device_status" >"$out/device_status.txt" 2>&1 || true
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
ev server_stopped
kill "$sampler_pid" 2>/dev/null || true
for f in ramp storm; do
  [ -f "$out/$f.jfr" ] && "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$out/$f.jfr" >"$out/$f-hot-methods.txt" 2>&1 || true
  [ -f "$out/$f.jfr" ] && /usr/bin/python3 bench/jfr_summary.py "$out/$f.jfr" "$out/$f-profile.csv" "$JAVA_HOME/bin/jfr" >/dev/null || true
done
if [ -f "$out/storm.jfr" ]; then
  "$JAVA_HOME/bin/jfr" summary "$out/storm.jfr" >"$out/storm-jfr-summary.txt" 2>&1 || true
fi
# Logs (*.log) stay local; small extracts are kept beside the results.
for f in "$out"/diagnostics/hold-*.log "$out"/diagnostics/storm-*.log; do
  [ -f "$f" ] && grep -E '^(t=|SUMMARY|all |starting|loaded)' "$f" | cut -c1-700 >"$out/$(basename "${f%.log}")-summaries.txt"  || true
done
{ echo "# counts over the whole server log"
  grep -v flyway "$out/diagnostics/server.log" | grep -o 'SEVERE [a-zA-Z.]* [a-z ]*\|WARNING [a-zA-Z.]* [a-z ]*\|RoostException: [a-z ]*\|Closed by interrupt\|Too many open files' | sort | uniq -c | sort -rn
} >"$out/server-log-excerpt.txt" || true
/usr/bin/python3 bench/plot_fleet.py "$out" || echo "plotting failed" >&2
echo "== results in $out" >&2
