#!/usr/bin/env bash
# A MariaDB server of the benchmark's own, so that SHOW GLOBAL STATUS counts only Roost's
# statements: the shared one at 127.0.0.1:3306 also serves every test run on the box.
#   bench/private-mariadb.sh start [port]   initialise (first time) and start; prints the port
#   bench/private-mariadb.sh stop  [port]
# Data lives in /tmp/roost-bench-mariadb-<port> (disposable). The bench scripts use it with
#   BENCH_DB_PORT=<port> bench/run-fleet.sh ...   and   BENCH_DB_PORT=<port> bench/run-load.sh ...
# Settings are the shared server's defaults except the buffer pool (1 GiB: the fleet's tables fit).
set -euo pipefail
action=${1:-start} port=${2:-3407}
dir=/tmp/roost-bench-mariadb-$port
case "$action" in
  start)
    if mysql -h127.0.0.1 -P"$port" -uroot -e 'select 1' >/dev/null 2>&1; then echo "$port"; exit 0; fi
    if [ ! -d "$dir/data/mysql" ]; then
      mkdir -p "$dir"
      mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
        --skip-test-db --user=root >"$dir/install.log" 2>&1
    fi
    mariadbd --no-defaults --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
      --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --user=root --skip-log-bin \
      --innodb-buffer-pool-size=1G --max-connections=500 >>"$dir/mariadbd.log" 2>&1 &
    for _ in $(seq 1 180); do
      mysql -h127.0.0.1 -P"$port" -uroot -e 'select 1' >/dev/null 2>&1 && { echo "$port"; exit 0; }
      sleep 0.5
    done
    echo "mariadbd did not start on $port; see $dir/mariadbd.log" >&2; exit 1 ;;
  stop)
    [ -f "$dir/mysqld.pid" ] && kill "$(cat "$dir/mysqld.pid")" 2>/dev/null || true ;;
  *) echo "usage: $0 start|stop [port]" >&2; exit 2 ;;
esac
