# Shell helpers shared by the bench/run-*.sh scripts (sourced, not run).

# Exits when something already listens on the port: a server left by an earlier run (still
# stopping) would answer this run's health check and take its load. Call it before the script
# touches any database or folder.
require_free_port() {
  if [ -n "$(ss -Htln "( sport = :$1 )")" ]; then
    echo "port $1 is in use (an earlier run still stopping?); stop that process or pass --port" >&2
    exit 1
  fi
}

# Prints what else shares the box, for machine.txt: the load average, and whether the kernel's
# autogroup scheduling is on. With autogroup on, each session gets an equal share of the CPU, so
# background work started with `nice` still takes its session's share from the benchmark (seen on
# this box: 32-48 % of the CPU went to niced builds during a cluster ramp). Benchmarks on a shared
# box want `sysctl kernel.sched_autogroup_enabled=0` and background work under `nice -n 19`.
shared_box_facts() {
  echo "loadavg_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "sched_autogroup_enabled=$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo unknown)"
  if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ]; then
    echo "note: kernel.sched_autogroup_enabled=1: niced background work still competes with this run (docs/benchmarks.md)" >&2
  fi
}

# The MariaDB the benchmark uses: BENCH_DB_PORT (default 3306, the shared one; bench/private-mariadb.sh
# starts one of the benchmark's own). Sets db_port, mysql_cmd, and db_pid_of_port prints the pid of
# the mariadbd listening there (its CPU ticks are the database's CPU).
db_port=${BENCH_DB_PORT:-3306}
mysql_cmd=${BENCH_MYSQL:-mysql -h127.0.0.1 -P$db_port -uroot}
db_pid_of_port() {
  local pid
  pid=$(ss -Htlnp "( sport = :$db_port )" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
  echo "${pid:-0}"
}
