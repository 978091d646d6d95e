#!/usr/bin/env bash
# Checks the launchers (./dev, ./roost, ./roost-edge) the way a new user meets them: with an older
# default Java first on PATH, they still find a Java 21+, and the agent starts without JVM warnings.
# Needs the jars built (./dev build or ./dev test); run by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

. scripts/java.sh
old_java=""
for dir in /usr/lib/jvm/*; do
  [ -x "$dir/bin/java" ] || continue
  major=$(roost_java_major "$dir"); major=${major%%.*}
  if [ -n "$major" ] && [ "$major" -lt 21 ]; then old_java="$dir"; break; fi
done

check_finds_21() {
  local want=$1 found major
  found=$(roost_find_java "$want") || { fail "roost_find_java $want found nothing"; return; }
  major=${found%% *}
  [ "$major" -ge 21 ] || fail "roost_find_java $want picked Java $major"
}
check_finds_21 runtime
check_finds_21 jdk
if [ -n "$old_java" ]; then
  (JAVA_HOME="$old_java" PATH="$old_java/bin:$PATH"; check_finds_21 runtime; check_finds_21 jdk; exit "$failures") \
    || fail "with JAVA_HOME=$old_java first"
else
  echo "(no Java older than 21 installed: the old-default case is not exercised)"
fi

# The agent's own launcher: version, then a short run against a closed port, stderr free of JVM warnings.
version=$(./roost-edge --version 2>&1) || fail "./roost-edge --version exited $?"
[[ "$version" =~ ^roost-edge\ [0-9] ]] || fail "./roost-edge --version printed: $version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "check-launchers-secret" > "$work/secret"
set +e
timeout 5 ./roost-edge --server-url ws://127.0.0.1:1/ws --device-id 1 --secret-file "$work/secret" \
  --state-dir "$work/state" --log-dir "$work/log" >"$work/out" 2>"$work/err"
rc=$?
set -e
[ "$rc" -eq 124 ] || fail "the agent stopped by itself (exit $rc): $(cat "$work/err")"
if grep -q 'WARNING' "$work/err" "$work/out"; then fail "the agent printed JVM warnings: $(grep WARNING "$work/err" | head -3)"; fi

cli=$(./roost --version 2>&1) || fail "./roost --version exited $?"
[[ "$cli" =~ ^roost\ [0-9] ]] || fail "./roost --version printed: $cli"

if [ "$failures" -gt 0 ]; then
  echo "check-launchers: $failures failure(s)" >&2
  exit 1
fi
echo "check-launchers: ok"
