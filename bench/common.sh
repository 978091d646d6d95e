# Shell helpers shared by the bench/run-*.sh scripts (sourced, not run).

# Exits when something already answers on the port: a server left by an earlier run (still
# stopping) would answer this run's health check and take its load.
require_free_port() {
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; then
    echo "port $1 is in use (an earlier run still stopping?); stop that process or pass --port" >&2
    exit 1
  fi
}
