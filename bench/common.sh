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
