#!/usr/bin/env bash
# Runs the northbound gRPC benchmark end to end: builds if needed, starts a server on a fresh
# database, provisions the fleet, drives GetDevice/ListDevices load, stops the server and prints
# the summary. Results go to bench/results/northbound-<time>/.
#
#   bench/run-northbound.sh [--db mariadb|h2] [--devices N] [--port P] [--keep-db] [--jfr FILE]
#                           [--baseline ROUNDS]
#                           [-- northbound options, e.g. --callers 64 --duration 60s --mix get=80,list=20]
#
# --baseline ROUNDS also starts the bare Helidon gRPC server of bench/ (baseline-server: the same
# devices, copied from Roost, answered from a map, no auth) and runs GetDevice-only load
# (--mix get=100; do not pass --mix) against Roost and the baseline in turn, ROUNDS times each, then
# prints each one's server CPU per call and their ratio (bench/compare_northbound.py). Results go to
# bench/results/northbound-baseline-<time>/.
#
# MariaDB (default) is reached at 127.0.0.1:3306 as root with an empty password (override with
# BENCH_MYSQL="mysql -h... -u... -p..." and ROOST_DB_* variables); the database roost_bench is
# dropped and created unless --keep-db. The server runs with ROOST_BCRYPT_COST=4 so that
# provisioning 100,000 devices (one bcrypt hash each) takes minutes, not hours; bearer tokens are
# cached after the first verify, so the cost does not change the measured calls.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

db=mariadb devices=100000 port=9190 keep_db=0 jfr="" baseline_rounds=0
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --keep-db) keep_db=1; shift ;;
    --jfr) jfr=$(realpath -m "$2"); shift 2 ;;
    --baseline) baseline_rounds=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
require_free_port "$port"
northbound_args=("$@")

# The JDK ./dev chose (it prefers JAVA_HOME, then the newest JDK 21+ installed).
# Maven prints it as "runtime: <dir>" (3.8) or "Java home: <dir>" (older).
JAVA_HOME=$(./dev mvn -v 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g' \
  | sed -n -e 's/.*runtime: \(.*\)$/\1/p' -e 's/^Java home: \(.*\)$/\1/p' | head -n 1)
JAVA="$JAVA_HOME/bin/java"
JAVA_OPTS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
[ -x "$JAVA" ] || { echo "no JDK 21+ found (see ./dev)" >&2; exit 1; }

stale() {
  local jar=$1; shift
  [ ! -f "$jar" ] || [ -n "$(find pom.xml "$@" -name target -prune -o -newer "$jar" -type f \( -name '*.java' \
      -o -name '*.proto' -o -name '*.sql' -o -name '*.yaml' -o -name 'pom.xml' \) -print -quit 2>/dev/null)" ]
}
if stale server/target/roost-server.jar proto server sql || stale bench/target/roost-bench.jar proto cli-client bench; then
  echo "== building server and bench" >&2
  ./dev mvn -B -q package -DskipTests -pl server,bench -am
fi

token=${ROOST_ADMIN_TOKEN:-bench-admin-token-0123456789abcdef}
work=bench/results/tmp
mkdir -p "$work"
case "$db" in
  mariadb)
    mysql_cmd=${BENCH_MYSQL:-mysql -h127.0.0.1 -P3306 -uroot}
    if [ "$keep_db" = 0 ]; then
      $mysql_cmd -e 'DROP DATABASE IF EXISTS roost_bench; CREATE DATABASE roost_bench'
    else
      $mysql_cmd -e 'CREATE DATABASE IF NOT EXISTS roost_bench'
    fi
    export ROOST_DB_URL=${ROOST_DB_URL:-jdbc:mariadb://127.0.0.1:3306/roost_bench}
    export ROOST_DB_USERNAME=${ROOST_DB_USERNAME:-root} ROOST_DB_PASSWORD=${ROOST_DB_PASSWORD:-}
    ;;
  h2)
    [ "$keep_db" = 0 ] && rm -rf bench/data
    mkdir -p bench/data
    export ROOST_DB_URL="jdbc:h2:file:$PWD/bench/data/roost-bench;MODE=MySQL;DATABASE_TO_LOWER=TRUE"
    export ROOST_DB_USERNAME=sa ROOST_DB_PASSWORD=
    ;;
  *) echo "--db must be mariadb or h2" >&2; exit 2 ;;
esac

server_log="$work/server-$(date -u +%Y%m%d-%H%M%S).log"
echo "== starting the server on :$port ($db, bcrypt cost 4); log in $server_log" >&2
ROOST_BCRYPT_COST=4 ROOST_ADMIN_TOKEN=$token SERVER_PORT=$port \
  "$JAVA" "${JAVA_OPTS[@]}" ${SERVER_JAVA_OPTS:-} -jar server/target/roost-server.jar >"$server_log" 2>&1 &
server_pid=$!
echo "== server pid $server_pid" >&2
stop_server() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT

for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/observe/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the server exited; see $server_log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/observe/health" >/dev/null || { echo "the server is not healthy after 120 s" >&2; exit 1; }

bench() {
  ROOST_ADMIN_TOKEN=$token "$JAVA" "${JAVA_OPTS[@]}" ${BENCH_JAVA_OPTS:-} -jar bench/target/roost-bench.jar \
    "$@" --target "127.0.0.1:$port"
}

echo "== provisioning $devices devices" >&2
bench provision --devices "$devices"

if [ -n "$jfr" ]; then
  "$JAVA_HOME/bin/jcmd" "$server_pid" JFR.start name=bench settings=profile filename="$jfr" >/dev/null
fi
echo "== northbound load" >&2
watch=()
if [ "$db" = mariadb ]; then
  db_pid=$(pidof mariadbd || pidof mysqld || true)
  [ -n "$db_pid" ] && watch=(--watch-pid "db=${db_pid%% *}")
fi
echo "== load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other busy processes skew results)" >&2
if [ "$baseline_rounds" -gt 0 ]; then
  baseline_port=$((port + 1))
  require_free_port "$baseline_port"
  out="bench/results/northbound-baseline-$(date -u +%Y%m%d-%H%M%S)"
  mkdir -p "$out"
  echo "== starting the baseline server on :$baseline_port (devices copied from Roost)" >&2
  ROOST_ADMIN_TOKEN=$token "$JAVA" "${JAVA_OPTS[@]}" ${SERVER_JAVA_OPTS:-} -jar bench/target/roost-bench.jar \
    baseline-server --target "127.0.0.1:$port" --port "$baseline_port" --id-limit "$devices" >"$out/baseline.log" 2>&1 &
  baseline_pid=$!
  trap 'kill "$baseline_pid" 2>/dev/null || true; wait "$baseline_pid" 2>/dev/null || true; stop_server' EXIT
  for _ in $(seq 1 240); do
    grep -q '^baseline-server:' "$out/baseline.log" && break
    kill -0 "$baseline_pid" 2>/dev/null || { echo "the baseline server exited; see $out/baseline.log" >&2; exit 1; }
    sleep 0.5
  done
  cat "$out/baseline.log" >&2
  db_selects() {
    [ "$db" = mariadb ] && $mysql_cmd -N -e "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{print $2}' || true
  }
  for round in $(seq 1 "$baseline_rounds"); do
    echo "== round $round: Roost (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    selects_before=$(db_selects)
    bench northbound --id-limit "$devices" --server-pid "$server_pid" --mix get=100 --results "$out/roost-$round" \
      "${northbound_args[@]}"
    # SELECTs of the whole MariaDB server (other users included) over the round, warm-up and the
    # id listing included: far fewer than the calls means GetDevice answered from the device cache.
    [ -n "$selects_before" ] && echo $(( $(db_selects) - selects_before )) >"$out/roost-$round/db-selects.txt"
    echo "== round $round: baseline (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    ROOST_ADMIN_TOKEN=$token "$JAVA" "${JAVA_OPTS[@]}" ${BENCH_JAVA_OPTS:-} -jar bench/target/roost-bench.jar \
      northbound --target "127.0.0.1:$baseline_port" --id-limit "$devices" --server-pid "$baseline_pid" \
      --mix get=100 --results "$out/baseline-$round" "${northbound_args[@]}"
  done
  /usr/bin/python3 bench/compare_northbound.py "$out" | tee "$out/compare.txt"
else
  bench northbound --id-limit "$devices" --server-pid "$server_pid" "${watch[@]}" "${northbound_args[@]}"
fi
if [ -n "$jfr" ]; then
  "$JAVA_HOME/bin/jcmd" "$server_pid" JFR.stop name=bench >/dev/null
  echo "== server flight recording: $jfr" >&2
fi
# Plots (python3 + matplotlib): the newest result folder, against the first committed one where its
# raw data is still on this machine (git keeps only summaries and plots).
if [ "$baseline_rounds" = 0 ]; then
  latest=$(ls -d bench/results/northbound-2* | sort | tail -n 1)
  /usr/bin/python3 bench/plot_northbound.py "$latest" bench/results/northbound-20261126-005858 >/dev/null \
    && echo "== plot: $latest/northbound.png" >&2 || echo "plotting failed (needs python3-matplotlib)" >&2
fi
echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
