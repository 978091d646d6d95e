#!/usr/bin/env bash
# What one device session costs the server, by component: Java heap (class histogram after a full
# GC), JVM native memory (Native Memory Tracking) and kernel socket memory, measured with no
# sessions and again with N idle authenticated sessions; the difference divided by N.
# The server runs on embedded H2 under a scratch folder (the database plays no part in an idle
# session), one simulator process holds the sessions (N < 19,000: one process's descriptors).
# Raw results go to bench/results/memory-<UTC time>/ (summary.csv, histograms, NMT reports).
#
#   bench/run-memory.sh [--devices 4000] [--rate 400] [--port 9390]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
devices=4000 rate=400 port=9390
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) devices=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
require_free_port "$port"
JAVA_HOME=${JAVA_HOME:-$(./dev mvn -v 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g' \
  | sed -n -e 's/.*runtime: \(.*\)$/\1/p' -e 's/^Java home: \(.*\)$/\1/p' | head -n 1)}
JAVA="$JAVA_HOME/bin/java"; JCMD="$JAVA_HOME/bin/jcmd"
JAVA_OPTS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
[ -f server/target/roost-server.jar ] && [ -f edge/target/roost-edge.jar ] || ./dev build >/dev/null
token=bench-admin-token-0123456789abcdef
out=bench/results/memory-$(date -u +%Y%m%d-%H%M%S)
scratch=bench/results/tmp/memory-$$
mkdir -p "$out" "$scratch"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$scratch"; }
trap cleanup EXIT
{
  echo "date_utc=$(date -u +%FT%TZ)"; echo "nproc=$(nproc)"; echo "devices=$devices"
  echo "java=$("$JAVA" -version 2>&1 | head -n 1)"; echo "git=$(git rev-parse --short HEAD)"
} >"$out/machine.txt"

ROOST_DB_URL="jdbc:h2:file:$PWD/$scratch/roost;MODE=MySQL;DATABASE_TO_LOWER=TRUE" ROOST_BCRYPT_COST=4 \
ROOST_ADMIN_TOKEN=$token SERVER_PORT=$port \
  "$JAVA" "${JAVA_OPTS[@]}" -XX:NativeMemoryTracking=summary -jar server/target/roost-server.jar \
  >"$out/server.log" 2>&1 &
server_pid=$!; pids+=("$server_pid")
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/observe/health" >/dev/null 2>&1 && break; sleep 0.5; done

sessions() {
  curl -s "http://127.0.0.1:$port/observe/metrics?scope=application&name=roost.device.sessions" \
    | awk '/^roost_device_sessions/ {printf "%d", $2}' || true
}
snapshot() { # phase: histogram (forces a full GC), NMT, RSS, kernel TCP memory
  "$JCMD" "$server_pid" GC.class_histogram >"$out/histogram-$1.txt"
  "$JCMD" "$server_pid" VM.native_memory summary >"$out/nmt-$1.txt"
  echo "$1,$(sessions),$(tail -n 1 "$out/histogram-$1.txt" | awk '{print $3}'),$(awk '/VmRSS/ {print $2}' \
    /proc/$server_pid/status),$(awk '/^TCP:/ {print $NF * 4}' /proc/net/sockstat),$(ls /proc/$server_pid/fd | wc -l)" \
    >>"$out/snapshots.csv"
}
echo "phase,sessions,heap_live_bytes,rss_kb,kernel_tcp_kb_both_ends,server_fds" >"$out/snapshots.csv"
sleep 5
snapshot idle

"$JAVA" "${JAVA_OPTS[@]}" -Xmx1g -jar edge/target/roost-edge.jar simulate --server-url "ws://127.0.0.1:$port/ws" \
  --admin-token "$token" --devices "$devices" --rate "$rate" --duration PT10M --status-interval PT60S \
  --token-save-every PT0S >"$out/simulator.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 600); do grep -q "devices connected after" "$out/simulator.log" && break; sleep 1; done
sleep 20
snapshot held

/usr/bin/python3 - "$out" <<'EOF'
import csv, re, sys, os
out = sys.argv[1]
rows = {r["phase"]: r for r in csv.DictReader(open(os.path.join(out, "snapshots.csv")))}
idle, held = rows["idle"], rows["held"]
n = int(held["sessions"] or 0) - int(idle["sessions"] or 0)
if n <= 0:
    sys.exit("no sessions were added (see simulator.log); nothing to divide")
def hist(phase):
    h = {}
    for line in open(os.path.join(out, "histogram-%s.txt" % phase)):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            h[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return h
def nmt(phase):
    t = {}
    for line in open(os.path.join(out, "nmt-%s.txt" % phase)):
        m = re.match(r"-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", line.strip())
        if m:
            t[m.group(1).strip()] = int(m.group(2))
    return t
hi, hh = hist("idle"), hist("held")
ni, nh = nmt("idle"), nmt("held")
with open(os.path.join(out, "summary.csv"), "w") as f:
    w = csv.writer(f)
    w.writerow(["component", "per_session_bytes", "note"])
    w.writerow(["sessions", n, "authenticated sessions added"])
    w.writerow(["heap_live_total", round((int(held["heap_live_bytes"]) - int(idle["heap_live_bytes"])) / n), "class histogram after full GC"])
    top = sorted(((hh[c][1] - hi.get(c, (0, 0))[1], c) for c in hh), reverse=True)[:12]
    for b, c in top:
        w.writerow(["heap:" + c, round(b / n), "%d more instances" % (hh[c][0] - hi.get(c, (0, 0))[0])])
    for cat in sorted(nh, key=lambda k: -(nh[k] - ni.get(k, 0))):
        d = nh[cat] - ni.get(cat, 0)
        if abs(d) * 1024 / n >= 64:
            w.writerow(["native:" + cat, round(d * 1024 / n), "NMT committed"])
    w.writerow(["rss_total", round((int(held["rss_kb"]) - int(idle["rss_kb"])) * 1024 / n), "VmRSS (heap is committed, not live)"])
    w.writerow(["kernel_tcp_both_ends", round((int(held["kernel_tcp_kb_both_ends"]) - int(idle["kernel_tcp_kb_both_ends"])) * 1024 / n),
                "/proc/net/sockstat TCP mem, server and simulator sockets together (loopback)"])
print(open(os.path.join(out, "summary.csv")).read())
EOF
echo "== results in $out" >&2
