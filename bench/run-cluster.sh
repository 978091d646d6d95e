#!/usr/bin/env bash
# The cluster benchmark of docs/benchmarks.md ("Cluster") in one command: N Roost nodes on one fresh
# MariaDB database and the NATS at 127.0.0.1:4222 (a cluster name of the run's own), simulator
# processes (at most 9,500 devices each: one process holds < 20,000 descriptors) connected to the
# nodes round-robin over 127.0.0.x source addresses, a hold, commands to devices on the node that
# takes the call (same node) and on the next node (cross node) at the same time, the calls spread
# over every node's API (--api-via first: all through node 1, to node 1's and node 2's devices),
# then kill -9 of the last node:
# its simulators fail over to the other nodes (their --server-url list), and the run measures how
# long until every device is online again, and what happened to the commands in flight.
# Raw results go to bench/results/cluster-<UTC time>/ (summary.csv, presence.csv, plots).
#
#   bench/run-cluster.sh [--nodes 5] [--devices-per-node 19000] [--hold-seconds 600] [--rate 200]
#                        [--command-rate 100] [--command-seconds 60] [--port-base 9390]
#                        [--command-warmup 5] [--no-kill] [--source-addresses 16] [--stagger] [--jfr]
#                        [--api-via all|first]
# --command-warmup: seconds of commands before the measured ones (fresh JVMs compile the path first).
# --stagger starts each simulator once the one before it has all its devices connected, so that the
# box handles one ramp at a time (one process's logins, JIT and handshakes) while the others hold.
# --jfr records every node with JFR (profile settings) over the measured command phase into
# diagnostics/node-<i>.jfr, summarised by bench/jfr_summary.py (node-<i>-jfr-summary.csv).
# The database's SHOW GLOBAL STATUS at the start and end of the measured phase goes to
# diagnostics/db-status-{start,end}.txt (statements, commits and fsyncs per command in the summary).
#
# SERVER_JAVA_OPTS, SIM_JAVA_OPTS and BENCH_JAVA_OPTS add JVM options to the nodes, the simulators
# and the command generators (e.g. -XX:+UseZGC; docs/benchmarks.md, "Cluster: where the tail is");
# BENCH_CLIENT_NICE runs the simulators and the generators at that nice level (the nodes, MariaDB
# and NATS get the cores first, as if the clients had machines of their own).
#
# Nodes run with ROOST_BCRYPT_COST=4 (registration and secret logins stay cheap for the run).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

nodes=5 per_node=19000 hold=600 rate=200 cmd_rate=100 cmd_seconds=60 cmd_warmup=5 port_base=9390 kill_node=1 sources=16 stagger=0 jfr=0 api_via=all
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=$2; shift 2 ;;
    --devices-per-node) per_node=$2; shift 2 ;;
    --hold-seconds) hold=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --api-via) api_via=$2; shift 2 ;;
    --command-rate) cmd_rate=$2; shift 2 ;;
    --command-seconds) cmd_seconds=$2; shift 2 ;;
    --command-warmup) cmd_warmup=$2; shift 2 ;;
    --port-base) port_base=$2; shift 2 ;;
    --source-addresses) sources=$2; shift 2 ;;
    --no-kill) kill_node=0; shift ;;
    --stagger) stagger=1; shift ;;
    --jfr) jfr=1; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$nodes" -ge 2 ] || { echo "--nodes must be at least 2" >&2; exit 2; }
for i in $(seq 1 "$nodes"); do require_free_port $((port_base + i)); done

JAVA_HOME=${JAVA_HOME:-$(./dev mvn -v 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g' \
  | sed -n -e 's/.*runtime: \(.*\)$/\1/p' -e 's/^Java home: \(.*\)$/\1/p' | head -n 1)}
JAVA="$JAVA_HOME/bin/java"
JAVA_OPTS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
for jar in server/target/roost-server.jar edge/target/roost-edge.jar bench/target/roost-bench.jar; do
  [ -f "$jar" ] || { echo "$jar missing: run ./dev build" >&2; exit 1; }
done
(exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null || { echo "no NATS at 127.0.0.1:4222 (see .ci/run)" >&2; exit 1; }

stamp=$(date -u +%Y%m%d-%H%M%S)
out=bench/results/cluster-$stamp
mkdir -p "$out/diagnostics"
events="$out/events.csv"
echo "epoch_s,event,value" >"$events"
ev() { echo "$(date +%s.%N | cut -c1-14),$1,${2:-}" >>"$events"; echo "== $(date -u +%T) $1 ${2:-} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2; }

token=bench-admin-token-0123456789abcdef
cluster=bench$stamp
cluster=${cluster//-/}
$mysql_cmd -e 'DROP DATABASE IF EXISTS roost_cluster; CREATE DATABASE roost_cluster CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'
sims_per_node=$(( (per_node + 9499) / 9500 ))
per_sim=$(( per_node / sims_per_node ))
total=$(( per_sim * sims_per_node * nodes ))
{
  echo "date_utc=$(date -u +%FT%TZ)"
  echo "nproc=$(nproc)"
  echo "mem_total_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
  echo "java=$("$JAVA" -version 2>&1 | head -n 1)"
  echo "mariadb=$($mysql_cmd -N -e 'select version()')"
  echo "nats=$(/usr/sbin/nats-server --version 2>/dev/null || echo unknown)"
  echo "args=nodes=$nodes per_node=$per_node sims_per_node=$sims_per_node per_sim=$per_sim hold=$hold rate=$rate command_rate=$cmd_rate command_seconds=$cmd_seconds command_warmup=$cmd_warmup kill=$kill_node stagger=$stagger api_via=$api_via"
  echo "git=$(git rev-parse --short HEAD)"
  shared_box_facts
} >"$out/machine.txt"

pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

node_pid=()
for i in $(seq 1 "$nodes"); do
  port=$((port_base + i))
  ROOST_DB_URL=jdbc:mariadb://127.0.0.1:$db_port/roost_cluster ROOST_DB_USERNAME=root ROOST_DB_PASSWORD= \
  ROOST_BCRYPT_COST=4 ROOST_ADMIN_TOKEN=$token SERVER_PORT=$port \
  ROOST_CLUSTER_NATS_URL=nats://127.0.0.1:4222 ROOST_CLUSTER_NAME=$cluster ROOST_CLUSTER_NODE_dash_NAME=node-$i \
    "$JAVA" "${JAVA_OPTS[@]}" -Xmx2g -Xlog:gc:file="$out/diagnostics/node-$i-gc.log" ${SERVER_JAVA_OPTS:-} \
    -jar server/target/roost-server.jar >"$out/diagnostics/node-$i.log" 2>&1 &
  node_pid[$i]=$!; pids+=("$!")
  # One at a time: the first node migrates the schema.
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/observe/health" >/dev/null 2>&1 && break
    kill -0 "${node_pid[$i]}" 2>/dev/null || { echo "node $i exited; see $out/diagnostics/node-$i.log" >&2; exit 1; }
    sleep 0.5
  done
  ev node_up "$i"
done

api() { curl -s -m 5 -H "Authorization: Bearer $token" "http://127.0.0.1:$((port_base + $1))$2"; }
# Presence sampler: online devices cluster-wide (node 1's view), and each node's own sessions.
(
  # A node too busy to answer within curl's limit leaves a gap in the sample, not a dead sampler.
  set +e +o pipefail
  header="epoch_s,cluster_online"
  for i in $(seq 1 "$nodes"); do header="$header,node_$i"; done
  echo "$header"
  while true; do
    line="$(date +%s.%N | cut -c1-14),$(api 1 /api/v1/cluster/nodes | sed -n 's/.*"online_devices":\([0-9]*\).*/\1/p')"
    for i in $(seq 1 "$nodes"); do
      s=$(curl -s -m 2 "http://127.0.0.1:$((port_base + i))/observe/metrics?scope=application&name=roost.device.sessions" \
        2>/dev/null | awk '/^roost_device_sessions/ {printf "%d", $2}' || true)
      line="$line,${s:-}"
    done
    echo "$line"
    sleep 1
  done
) >"$out/presence.csv" &
pids+=("$!")

sim() { # name, args...
  local name=$1; shift
  nice -n "${BENCH_CLIENT_NICE:-0}" "$JAVA" "${JAVA_OPTS[@]}" -Xmx1g ${SIM_JAVA_OPTS:-} -jar edge/target/roost-edge.jar simulate \
    --api-url "http://127.0.0.1:$((port_base + 1))" "$@" >"$out/diagnostics/$name.log" 2>&1 &
  echo $!
}
wait_for() { # log pattern timeout_s
  for _ in $(seq 1 $(( $3 * 5 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

# 1. Provision every simulator's devices through node 1 (REST), without connecting.
ev provision_start "$total"
for i in $(seq 1 "$nodes"); do
  for s in $(seq 1 "$sims_per_node"); do
    p=$(sim "register-$i-$s" --server-url ws://127.0.0.1:1/ws --admin-token "$token" --devices "$per_sim" \
      --save-devices "$out/devices-$i-$s.csv" --duration PT1S --rate 1)
    wait_for "$out/diagnostics/register-$i-$s.log" "starting $per_sim devices" 1200 \
      || { echo "registration $i-$s failed" >&2; exit 1; }
    kill -9 "$p" 2>/dev/null || true
  done
done
ev provision_done

# 2. Ramp: node i's simulators list node i first, then the others (their failover order).
urls_for() {
  local first=$1
  local list="ws://127.0.0.1:$((port_base + first))/ws"
  for j in $(seq 1 "$nodes"); do [ "$j" = "$first" ] || list="$list,ws://127.0.0.1:$((port_base + j))/ws"; done
  echo "$list"
}
ev ramp_start
for i in $(seq 1 "$nodes"); do
  for s in $(seq 1 "$sims_per_node"); do
    p=$(sim "hold-$i-$s" --server-url "$(urls_for "$i")" --devices-file "$out/devices-$i-$s.csv" \
      --devices "$per_sim" --rate "$rate" --source-addresses "$sources" --status-interval PT60S --duration PT10H \
      --summary-every PT10S)
    pids+=("$p")
    if [ "$stagger" = 1 ]; then
      wait_for "$out/diagnostics/hold-$i-$s.log" "all $per_sim devices connected" 1800 \
        || { ev ramp_failed "hold-$i-$s"; exit 1; }
      ev ramp_step "hold-$i-$s"
    fi
  done
done
for i in $(seq 1 "$nodes"); do
  for s in $(seq 1 "$sims_per_node"); do
    wait_for "$out/diagnostics/hold-$i-$s.log" "all $per_sim devices connected" 1800 \
      || { ev ramp_failed "hold-$i-$s"; exit 1; }
  done
done
ev ramp_done "$total"

# CPU per role from here on (cpu.csv), so that the hold and the command phase can be told apart.
roles=()
for i in $(seq 1 "$nodes"); do roles+=("node_$i=${node_pid[$i]}"); done
nats_pid=$(ss -Htlnp "( sport = :4222 )" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
roles+=("simulators=/roost-edge.jar simulate/" "generators=/roost-bench.jar commands/"
  "mariadb=$(db_pid_of_port)" "nats=${nats_pid:-0}")
/usr/bin/python3 bench/proc_cpu.py sample "$out/cpu.csv" 2 "${roles[@]}" &
pids+=("$!")

# 3. Hold, with the commands in the middle of it: same node and cross node at once.
phase=$(( cmd_warmup + cmd_seconds ))
half=$(( hold > phase ? (hold - phase) / 2 : 0 ))
ev hold_start
sleep "$half"
ev commands_start "$cmd_rate/s same-node and $cmd_rate/s cross-node, via $api_via"
bench() { # name, targets, devices files, out[, warm-up seconds]; sets bench_pid (a child of this shell, so that it can be waited for)
  nice -n "${BENCH_CLIENT_NICE:-0}" "$JAVA" "${JAVA_OPTS[@]}" ${BENCH_JAVA_OPTS:-} -jar bench/target/roost-bench.jar commands --target "$2" \
    --token "$token" --devices-file "$3" --rate "$cmd_rate" --duration "PT${cmd_seconds}S" --warmup "PT${5:-$cmd_warmup}S" \
    --wait-ms 10000 --channels 2 --out "$4" >"$out/diagnostics/$1.log" 2>&1 &
  bench_pid=$!
}
if [ "$api_via" = first ]; then
  targets="127.0.0.1:$((port_base + 1))" same_files="$out/devices-1-1.csv" cross_files="$out/devices-2-1.csv"
else # node i takes the calls for its own devices and for node i+1's (the last node's go to node 1)
  targets="" same_files="" cross_files=""
  for i in $(seq 1 "$nodes"); do
    targets="$targets${targets:+,}127.0.0.1:$((port_base + i))"
    same_files="$same_files${same_files:+,}$out/devices-$i-1.csv"
    cross_files="$cross_files${cross_files:+,}$out/devices-$(( i % nodes + 1 ))-1.csv"
  done
fi
bench commands-same "$targets" "$same_files" "$out/commands-same-node"; same=$bench_pid
bench commands-cross "$targets" "$cross_files" "$out/commands-cross-node"; cross=$bench_pid
measured_phase_starts() {
  sleep "$cmd_warmup"
  $mysql_cmd -e "SHOW GLOBAL STATUS" >"$out/diagnostics/db-status-start.txt" 2>/dev/null || true
  if [ "$jfr" = 1 ]; then
    for i in $(seq 1 "$nodes"); do
      "$JAVA_HOME/bin/jcmd" "${node_pid[$i]}" JFR.start name=bench settings=profile >/dev/null
    done
  fi
  ev commands_measured
}
measured_phase_starts &
wait "$same" "$cross" || true
ev commands_done
$mysql_cmd -e "SHOW GLOBAL STATUS" >"$out/diagnostics/db-status-end.txt" 2>/dev/null || true
if [ "$jfr" = 1 ]; then # the nodes end with kill -9, which writes nothing: dump now
  for i in $(seq 1 "$nodes"); do
    "$JAVA_HOME/bin/jcmd" "${node_pid[$i]}" JFR.dump name=bench filename="$out/diagnostics/node-$i.jfr" >/dev/null
    /usr/bin/python3 bench/jfr_summary.py "$out/diagnostics/node-$i.jfr" "$out/diagnostics/node-$i-jfr-summary.csv" \
      "$JAVA_HOME/bin/jfr" >/dev/null 2>&1 || true
  done
fi
sleep $(( hold - half - phase > 0 ? hold - half - phase : 0 ))
ev hold_end "$(api 1 /api/v1/cluster/nodes | sed -n 's/.*"online_devices":\([0-9]*\).*/\1/p') online"

# 4. kill -9 of the last node, with commands in flight to its devices.
if [ "$kill_node" = 1 ]; then
  victim=$nodes
  bench commands-killed "127.0.0.1:$((port_base + 1))" "$out/devices-$victim-1.csv" "$out/commands-during-kill" 5
  inflight=$bench_pid
  sleep 10
  ev node_killed "$victim"
  kill -9 "${node_pid[$victim]}"
  # Back when the surviving nodes hold every device's session (their own count, not the directory,
  # which still shows the dead node's devices until its lease lapses).
  for _ in $(seq 1 300); do
    held=0
    for i in $(seq 1 "$nodes"); do
      [ "$i" = "$victim" ] && continue
      s=$(curl -s -m 2 "http://127.0.0.1:$((port_base + i))/observe/metrics?scope=application&name=roost.device.sessions" \
        2>/dev/null | awk '/^roost_device_sessions/ {printf "%d", $2}' || true)
      held=$((held + ${s:-0}))
    done
    [ "$held" -ge "$total" ] && break
    sleep 1
  done
  ev all_online_again "$held"
  for _ in $(seq 1 60); do
    online=$(api 1 /api/v1/cluster/nodes | sed -n 's/.*"online_devices":\([0-9]*\).*/\1/p' || true)
    nodes_now=$(api 1 /api/v1/cluster/nodes | grep -o '"worker"' | wc -l || true)
    [ "$nodes_now" -lt "$nodes" ] && [ "${online:-0}" -ge "$total" ] && break
    sleep 1
  done
  ev presence_converged "${online:-0} online on $nodes_now nodes"
  wait "$inflight" || true
  # Executed twice: the simulators count duplicate command ids they were sent (their summary lines).
  for f in "$out"/diagnostics/hold-*.log; do grep -o "duplicate_commands=[0-9]*" "$f" | tail -n 1; done \
    >"$out/diagnostics/duplicates.txt" || true
fi

/usr/bin/python3 bench/plot_cluster.py "$out" >"$out/summary.txt" 2>"$out/diagnostics/plot.log" \
  || echo "plotting failed (needs python3-matplotlib); see $out/diagnostics/plot.log" >&2
cat "$out/summary.txt" >&2 || true
echo "== results in $out" >&2
