#!/usr/bin/env bash
# Scenarios 3 (commands under load) and 4 (status ingest) of docs/benchmarks.md in one command.
# Reuses the devices of a bench/run-fleet.sh run (its devices-*.csv files and the MariaDB
# database roost_fleet, kept as that run left it): starts a server, brings the simulators back
# (from the saved files, no registration), then
#   3. roost-bench commands: SendCommand at each of --command-rates calls/s (one step each) to
#      random online devices, each call waiting for the final state (round trip server -> device ->
#      server), for --command-seconds per step;
#   4. status ingest: every simulator restarted with each of --status-intervals in turn, reading the
#      server's meters each second (reports applied, rows upserted, flush time and lag).
# Raw results and PNG plots go to bench/results/load-<UTC time>/.
#
#   bench/run-load.sh --fleet bench/results/fleet-<time> [--command-rates "250 500 1000"]
#                     [--command-seconds 60] [--command-warmup 10] [--sim-rate 1000] [--status-intervals "10 5 2 1"]
#                     [--step-seconds 60] [--port 9290] [--no-ingest] [--no-commands]
#                     [--server-jar server/target/roost-server.jar] [--jfr]   (a jar next to its libs/)
# BENCH_DB_PORT selects the MariaDB (bench/private-mariadb.sh), BENCH_DB_URL_PARAMS is appended to the
# server's JDBC URL (e.g. "?useServerPrepStmts=true"), BENCH_CLIENT_NICE runs the simulators and the
# command generator at that nice level (the box's cores go to the server and MariaDB first, as if
# the clients had machines of their own); --server-jar runs another build (a
# before/after pair, back to back); --jfr records the server with JFR (profile settings) into
# server.jfr, summarised by bench/jfr_summary.py.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

fleet="" sim_rate=1000 command_rates="250 500 1000" command_seconds=60 command_warmup=10 intervals="10 5 2 1" step=60 port=9290
ingest=1 commands=1 sources=8 server_jar=server/target/roost-server.jar jfr=0
while [ $# -gt 0 ]; do
  case "$1" in
    --fleet) fleet=$2; shift 2 ;;
    --sim-rate) sim_rate=$2; shift 2 ;;
    --command-rate|--command-rates) command_rates=$2; shift 2 ;;
    --command-seconds) command_seconds=$2; shift 2 ;;
    --command-warmup) command_warmup=$2; shift 2 ;;
    --status-intervals) intervals=$2; shift 2 ;;
    --step-seconds) step=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --no-ingest) ingest=0; shift ;;
    --no-commands) commands=0; shift ;;
    --server-jar) server_jar=$2; shift 2 ;;
    --jfr) jfr=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
require_free_port "$port"
[ -n "$fleet" ] && ls "$fleet"/devices-*.csv >/dev/null || { echo "--fleet must name a run-fleet.sh folder with devices-*.csv" >&2; exit 2; }

JAVA_HOME=${JAVA_HOME:-$(./dev mvn -v 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g' \
  | sed -n -e 's/.*runtime: \(.*\)$/\1/p' -e 's/^Java home: \(.*\)$/\1/p' | head -n 1)}
JAVA="$JAVA_HOME/bin/java"
JAVA_OPTS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
token=bench-admin-token-0123456789abcdef

out=bench/results/load-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out/diagnostics"
echo "epoch_s,event,value" >"$out/events.csv"
ev() { echo "$(date +%s.%N | cut -c1-14),$1,${2:-}" >>"$out/events.csv"; echo "== $(date -u +%T) $1 ${2:-} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2; }
{
  echo "date_utc=$(date -u +%FT%TZ)"; echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "mem_total_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
  echo "java=$("$JAVA" -version 2>&1 | head -n 1)"; echo "fleet=$fleet"
  echo "args=command_rates=$command_rates command_seconds=$command_seconds command_warmup=$command_warmup intervals=$intervals step=$step sim_rate=$sim_rate"
  echo "git=$(git rev-parse --short HEAD)"; echo "server_jar=$server_jar sha256=$(sha256sum "$server_jar" | cut -c1-16)"
  echo "db_port=$db_port"
  shared_box_facts
} >"$out/machine.txt"

pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

jfr_opts=()
[ "$jfr" = 1 ] && jfr_opts=("-XX:StartFlightRecording=settings=profile,filename=$out/server.jfr,dumponexit=true")
ROOST_DB_URL=jdbc:mariadb://127.0.0.1:$db_port/roost_fleet${BENCH_DB_URL_PARAMS:-} ROOST_DB_USERNAME=root ROOST_DB_PASSWORD= \
ROOST_BCRYPT_COST=4 ROOST_ADMIN_TOKEN=$token SERVER_PORT=$port ROOST_SOUTHBOUND_HEARTBEAT_dash_INTERVAL=PT30S \
  "$JAVA" "${JAVA_OPTS[@]}" ${SERVER_JAVA_OPTS:-} "${jfr_opts[@]}" -jar "$server_jar" >"$out/diagnostics/server.log" 2>&1 &
server_pid=$!; pids+=("$server_pid")
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/observe/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { ev server_failed_to_start; tail -n 5 "$out/diagnostics/server.log" >&2; exit 1; }
  sleep 0.5
done
ev server_up "$server_pid"
db_pid=$(db_pid_of_port)
hz=$(getconf CLK_TCK)
(
  # Roost's meters (docs/operations.md): counters are cumulative, plot_load.py takes deltas.
  meters="sessions reports_total rows_written_total flush_milliseconds_total flush_lag_milliseconds pending"
  echo "epoch_s,server_rss_kb,server_cpu_ticks,db_cpu_ticks,established,load1,hz,${meters// /,}"
  while kill -0 "$server_pid" 2>/dev/null; do
    m=$(curl -s -m 2 "http://127.0.0.1:$port/observe/metrics?scope=application" 2>/dev/null | awk '
      /^roost_device_sessions/ {v["sessions"]=$2} /^roost_status_reports_total/ {v["reports_total"]=$2}
      /^roost_status_rows_written_total/ {v["rows_written_total"]=$2}
      /^roost_status_flush_milliseconds_total/ {v["flush_milliseconds_total"]=$2}
      /^roost_status_flush_lag_milliseconds/ {v["flush_lag_milliseconds"]=$2} /^roost_status_pending/ {v["pending"]=$2}
      END {if (length(v) == 6) printf "%d,%d,%d,%d,%d,%d", v["sessions"], v["reports_total"], v["rows_written_total"],
        v["flush_milliseconds_total"], v["flush_lag_milliseconds"], v["pending"]}' || true)
    echo "$(date +%s.%N | cut -c1-14),$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status),$(awk '{print $14+$15}' /proc/$server_pid/stat),$(awk '{print $14+$15}' /proc/$db_pid/stat 2>/dev/null || echo 0),$(ss -Htn state established "( sport = :$port )" | wc -l),$(cut -d' ' -f1 /proc/loadavg),$hz,${m:-,,,,,}"
    sleep 1
  done
) >"$out/timeline.csv" &
pids+=("$!")

simpids=()
start_sims() { # tag status_interval rate [files...]
  local tag=$1 interval=$2 rate=$3; shift 3
  simpids=()
  local i=0 f
  for f in "$@"; do
    i=$((i + 1))
    nice -n "${BENCH_CLIENT_NICE:-0}" "$JAVA" "${JAVA_OPTS[@]}" -Xmx1g -jar edge/target/roost-edge.jar simulate --server-url "ws://127.0.0.1:$port/ws" \
      --devices-file "$f" --devices 0 --rate "$rate" --source-addresses "$sources" --status-interval "$interval" \
      --duration PT10H --summary-every PT5S --print-histograms >"$out/diagnostics/sim-$tag-$i.log" 2>&1 &
    simpids+=("$!"); pids+=("$!")
  done
  for i in $(seq 1 ${#simpids[@]}); do
    for _ in $(seq 1 1200); do
      grep -q 'devices connected after' "$out/diagnostics/sim-$tag-$i.log" && break
      grep -q 'server socket is terminating' "$out/diagnostics/server.log" && { ev listener_died; exit 1; }
      sleep 0.5
    done
  done
  ev "connected_$tag" "$(grep -h 'devices connected after' "$out"/diagnostics/sim-"$tag"-*.log | tr '\n' ' ')"
}
stop_sims() { for p in "${simpids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; sleep 3; }
# The commands phase holds the whole fleet online (status every 60 s); each ingest step restarts
# every simulator with that step's status interval.

if [ "$commands" = 1 ]; then
  start_sims commands PT60S "$sim_rate" "$fleet"/devices-*.csv
  sleep 10
  # Cost per command from the database's own counters (SHOW GLOBAL STATUS: server-wide, so other
  # users of the same MariaDB add to them; idle-<rate>.txt is the same window with no load) and the
  # server's and database's CPU ticks, over each step including its warm-up.
  snap() { # file
    { $mysql_cmd -N -e "show global status where variable_name in ('Questions','Com_select','Com_insert',
        'Com_update','Com_delete','Com_commit','Com_set_option','Com_begin','Innodb_data_fsyncs','Innodb_os_log_fsyncs',
        'Handler_write','Handler_update','Handler_read_key')"
      echo "commands $($mysql_cmd -N -e "select count(*) from roost_fleet.commands where name='bench.noop'")"
      echo "server_ticks $(awk '{print $14+$15}' /proc/$server_pid/stat)"
      echo "db_ticks $(awk '{print $14+$15}' /proc/$db_pid/stat 2>/dev/null || echo 0)"
      echo "epoch_ms $(date +%s%3N)"; } >"$1"
  }
  # With an idle-<rate> cost file as the fourth argument, the CPU the fleet uses with no commands
  # (heartbeats, status, the server's own timers) over the same time is subtracted as well: the
  # marginal CPU per command. Both figures go to cost.txt.
  cost() { # before after out [idle-cost]
    awk -v hz="$hz" -v idle_server=0 -v idle_db=0 -v idle_s=0 \
      $( [ -n "${4:-}" ] && awk '/^server_ticks_total/ {printf "-v idle_server=%s ", $2} /^db_ticks_total/ {printf "-v idle_db=%s ", $2}
        /^seconds/ {printf "-v idle_s=%s ", $2}' "$4" ) \
      'NR==FNR {b[$1]=$2; next} {d[$1]=$2-b[$1]}
      END {n=d["commands"]; if (n<1) n=1; printf "commands %d\n", d["commands"];
        split("Questions Com_select Com_insert Com_update Com_delete Com_commit Com_set_option Com_begin Innodb_data_fsyncs Innodb_os_log_fsyncs Handler_write Handler_update Handler_read_key", k, " ");
        for (i in k) printf "%s %d per_command %.3f\n", k[i], d[k[i]], d[k[i]]/n;
        printf "statements_per_command %.3f\n", (d["Com_select"]+d["Com_insert"]+d["Com_update"]+d["Com_delete"])/n;
        printf "server_cpu_ms_per_command %.3f\ndb_cpu_ms_per_command %.3f\n", d["server_ticks"]*1000/hz/n, d["db_ticks"]*1000/hz/n;
        s=d["epoch_ms"]/1000; printf "seconds %.1f\nserver_ticks_total %d\ndb_ticks_total %d\n", s, d["server_ticks"], d["db_ticks"];
        if (idle_s > 0) printf "server_cpu_ms_per_command_above_idle %.3f\ndb_cpu_ms_per_command_above_idle %.3f\n",
          (d["server_ticks"]-idle_server*s/idle_s)*1000/hz/n, (d["db_ticks"]-idle_db*s/idle_s)*1000/hz/n}' "$1" "$2" >"$3"
  }
  for rate in $command_rates; do
    mkdir -p "$out/commands-$rate"
    snap "$out/diagnostics/status-idle0-$rate.txt"; sleep 10; snap "$out/diagnostics/status-idle1-$rate.txt"
    cost "$out/diagnostics/status-idle0-$rate.txt" "$out/diagnostics/status-idle1-$rate.txt" "$out/commands-$rate/idle-10s.txt"
    snap "$out/diagnostics/status-before-$rate.txt"
    ev "commands_start_$rate"
    ROOST_ADMIN_TOKEN=$token nice -n "${BENCH_CLIENT_NICE:-0}" "$JAVA" "${JAVA_OPTS[@]}" -jar bench/target/roost-bench.jar commands \
      --target "127.0.0.1:$port" --devices-file "$(ls "$fleet"/devices-*.csv | paste -sd,)" --rate "$rate" \
      --duration "${command_seconds}s" --warmup "${command_warmup}s" --out "$out/commands-$rate" \
      | tee "$out/diagnostics/commands-$rate.log" || ev "commands_failed_$rate"
    ev "commands_end_$rate"
    sleep 1; snap "$out/diagnostics/status-after-$rate.txt"
    cost "$out/diagnostics/status-before-$rate.txt" "$out/diagnostics/status-after-$rate.txt" "$out/commands-$rate/cost.txt" \
      "$out/commands-$rate/idle-10s.txt"
    ev "cost_$rate" "$(grep -E '^(statements_per_command|Innodb_data_fsyncs|server_cpu|db_cpu|seconds)' "$out/commands-$rate/cost.txt" | tr '\n' ' ')"
    sleep 15
  done
  # Nothing lost: every command the server knows of reached a final state.
  $mysql_cmd -N -e "select state, count(*) from roost_fleet.commands where name='bench.noop' group by state" \
    >"$out/commands-db-states.txt"
  ev commands_db "$(tr '\t\n' ': ' <"$out/commands-db-states.txt")"
  stop_sims
fi

if [ "$ingest" = 1 ]; then
  # Every simulator reports at the step's interval: 19,000 devices every s seconds offer 19,000/s
  # reports; the server's meters show what it applied and wrote.
  for s in $intervals; do
    start_sims "status$s" "PT${s}S" "$sim_rate" "$fleet"/devices-*.csv
    ev "ingest_start_$s"
    sleep "$step"
    ev "ingest_end_$s"
    stop_sims
  done
fi
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
ev server_stopped
for f in "$out"/diagnostics/sim-*.log; do grep -E '^(t=|SUMMARY|all |starting|loaded)' "$f" | cut -c1-700 >"$out/$(basename "${f%.log}")-summaries.txt" || true; done
/usr/bin/python3 bench/plot_load.py "$out" || echo "plotting failed" >&2
echo "== results in $out" >&2
