#!/usr/bin/env bash
# The image smoke test: runs the release pipeline against a registry on loopback and starts what
# it pushed, all on this machine and without a daemon.
#
#   release/smoke.sh [--with-tests]
#
#  1. makes (or takes from its cache) a local Java base image: release/local-base.sh;
#  2. starts Debian's docker-registry on a free 127.0.0.1 port, storage in a temporary folder;
#  3. release/pipeline.sh (--skip-tests unless --with-tests) builds, tags and pushes both images;
#  4. deletes the local tags and pulls the server and edge images back by digest;
#  5. starts the server's ENTRYPOINT in a container of the pulled image
#     (`buildah run --isolation chroot`, which shares the host's network), checks that it runs as
#     uid 10001 and writes its H2 database to /data, GET /observe/health, an authenticated
#     GET /api/v1/devices (and the 401 without a token), and the image's own HEALTHCHECK command;
#  6. registers a device and starts the pulled edge image as its agent: the device turns online;
#  7. stops both with SIGTERM (as `docker stop` does) and checks that they exit.
#
# Prerequisites are installed by release/prereqs.sh when missing (root + apt-get). Where they
# cannot be had, the test is SKIPPED with the reason and exits 0, so CI stays green on machines
# without buildah; ROOST_SMOKE_REQUIRED=true makes a skip an error instead.
# Ends with "image-smoke: N passed, M failed"; exit status 1 when a check failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=release/lib.sh
. "$root/release/lib.sh"
cd "$root"

pipeline_args=(--skip-tests)
[ "${1:-}" = "--with-tests" ] && pipeline_args=()
started=$(date +%s)

skip() {
  log "SKIPPED: the image smoke test did not run: $*"
  [ "${ROOST_SMOKE_REQUIRED:-false}" = true ] && exit 1
  exit 0
}
if [ "$(id -u)" -ne 0 ]; then
  skip "it needs root (buildah's chroot isolation and mmdebstrap)"
fi
release/prereqs.sh || skip "buildah, docker-registry or mmdebstrap is missing and could not be installed"
export BUILDAH_ISOLATION=chroot

passed=0; failed=0
check() { # check DESCRIPTION COMMAND...: runs COMMAND, counts and reports the outcome
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); log "ok    $what"; return 0; fi
  failed=$((failed + 1)); log "FAIL  $what"; return 1
}
# A free port below the kernel's ephemeral range: a port the kernel hands out for port 0 can be
# taken by any outgoing connection before the server binds it (CI saw that once).
free_port() {
  python3 - "$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)" <<'PY'
import random, socket, sys
low = min(int(sys.argv[1]), 32768)
for _ in range(200):
    port = random.randrange(low // 2, low)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    sys.exit("no free port below the ephemeral range")
PY
}
# await SECONDS COMMAND...: polls COMMAND every 0.5 s until it succeeds or the time is up.
await() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}

work=$(mktemp -d /var/tmp/roost-smoke.XXXXXX)
pids=(); containers=(); images=()
cleanup() {
  local p c i
  # The containers run in sessions of their own (setsid): end each whole session, then the registry.
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for c in "${containers[@]}"; do buildah rm "$c" >/dev/null 2>&1 || true; done
  for i in "${images[@]}"; do buildah rmi "$i" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# 1. the base
base=$(release/local-base.sh)
t_base=$(date +%s)

# 2. the registry
reg_port=$(free_port)
registry=127.0.0.1:$reg_port
mkdir -p "$work/registry"
cat > "$work/registry.yml" <<YAML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $work/registry}
  delete: {enabled: true}
http:
  addr: $registry
YAML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
pids+=($!)
if ! await 20 curl -fsS "http://$registry/v2/"; then
  cat "$work/registry.log" >&2
  die "the registry did not start on $registry"
fi
log "registry on $registry"

# 3. the pipeline
ROOST_REGISTRY=$registry/roost ROOST_REGISTRY_TLS_VERIFY=false ROOST_BASE_IMAGE=$base \
  release/pipeline.sh "${pipeline_args[@]}" | tee "$work/pushed.txt"
t_pipeline=$(date +%s)
server_ref=$(awk '$1 == "roost-server" && $2 !~ /:latest$/ {print $2; exit}' "$work/pushed.txt")
server_digest=$(awk '$1 == "roost-server" && $2 !~ /:latest$/ {print $3; exit}' "$work/pushed.txt")
edge_ref=$(awk '$1 == "roost-edge" && $2 !~ /:latest$/ {print $2; exit}' "$work/pushed.txt")
edge_digest=$(awk '$1 == "roost-edge" && $2 !~ /:latest$/ {print $3; exit}' "$work/pushed.txt")
[ -n "$server_digest" ] && [ -n "$edge_digest" ] || die "the pipeline printed no digests"
tag=${server_ref##*:}
check "the tag is YYYYMMDD-HHMMSS-<short sha>: $tag" \
  grep -Eq "^[0-9]{8}-[0-9]{6}-$(git rev-parse --short HEAD)(-dirty)?$" <<<"$tag"
tags_listed() { curl -fsS "http://$registry/v2/roost/$1/tags/list" | grep -q "\"$tag\"" \
  && curl -fsS "http://$registry/v2/roost/$1/tags/list" | grep -q '"latest"'; }
check "the registry lists $tag and latest for roost-server" tags_listed roost-server
check "the registry lists $tag and latest for roost-edge" tags_listed roost-edge
same_digest() { [ "$(awk -v n="$1" '$1 == n {print $3}' "$work/pushed.txt" | sort -u | wc -l)" -eq 1 ]; }
check "both tags of roost-server point to one digest" same_digest roost-server

# 4. pull back by digest, from the registry only
for ref in "$server_ref" "$edge_ref" "${server_ref%:*}:latest" "${edge_ref%:*}:latest"; do
  buildah rmi "$ref" >/dev/null 2>&1 || true
done
server_image=${server_ref%:*}@$server_digest
edge_image=${edge_ref%:*}@$edge_digest
images+=("$server_image" "$edge_image")
buildah pull --quiet --tls-verify=false "docker://$server_image" >/dev/null
buildah pull --quiet --tls-verify=false "docker://$edge_image" >/dev/null
pulled_from_registry() { buildah inspect --type image "$1" >/dev/null; }
check "pulled $server_image" pulled_from_registry "$server_image"
check "pulled $edge_image" pulled_from_registry "$edge_image"

# What a pull transfers: the compressed layers in the registry's manifest, in all and without the
# base's layers (the part a release adds on top of a base the host already has).
base_layers=$(buildah inspect --type image --format '{{len .OCIv1.RootFS.DiffIDs}}' "$base")
pushed_size() {
  curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$registry/v2/roost/$1/manifests/$2" | python3 -c '
import json, sys
sizes = [layer["size"] for layer in json.load(sys.stdin)["layers"]]
skip = int(sys.argv[1])
print("%.1f MB compressed, %.1f MB above the base" % (sum(sizes) / 1e6, sum(sizes[skip:]) / 1e6))' "$base_layers"
}
log "roost-server: $(pushed_size roost-server "$server_digest")"
log "roost-edge: $(pushed_size roost-edge "$edge_digest")"

# The container's entrypoint and health check, read from the image: the test runs what it ships.
config() { buildah inspect --type image --format "$2" "$1"; }
entrypoint_of='{{range .Docker.Config.Entrypoint}}{{println .}}{{end}}'
mapfile -t server_entrypoint < <(config "$server_image" "$entrypoint_of")
health_cmd=$(config "$server_image" \
  '{{if .Docker.Config.Healthcheck}}{{index .Docker.Config.Healthcheck.Test 1}}{{end}}')
check "the server image declares a HEALTHCHECK" test -n "$health_cmd"
check "the server image runs as uid 10001" \
  test "$(config "$server_image" '{{.Docker.Config.User}}')" = 10001:10001
check "the server image declares the volume /data" \
  grep -q '/data' <<<"$(config "$server_image" '{{range $k, $v := .Docker.Config.Volumes}}{{$k}} {{end}}')"

# Stops a container as an engine does: SIGTERM to its main process (the java under that buildah run).
stop_container() { # stop_container RUN_PID: TERM to the java process under that buildah run
  local jp; jp=$(pgrep -s "$1" -x java | head -1)
  [ -n "$jp" ] || return 1
  kill -TERM "$jp"
  await 30 bash -c "! kill -0 $jp"
}

# 5. the server
port=$(free_port)
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
server_ctr=$(buildah from --pull-never "$server_image"); containers+=("$server_ctr")
setsid buildah run --env "SERVER_PORT=$port" --env "ROOST_ADMIN_TOKEN=$token" "$server_ctr" -- \
  "${server_entrypoint[@]}" > "$work/server.log" 2>&1 &
server_run=$!; pids+=("$server_run")
api="http://127.0.0.1:$port"
server_up() { curl -fsS "$api/observe/health" | grep -q '"status":"UP"'; }
if ! check "the server in the image answers /observe/health with UP" await 120 server_up; then
  tail -40 "$work/server.log" >&2
else
  # The JVM is the process listening on the port; it runs inside the container as the image's user.
  java_pid=$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  check "the server process runs as uid 10001, not root" \
    test "$(awk '/^Uid:/ {print $2}' "/proc/$java_pid/status")" = 10001
  in_data() { buildah run "$server_ctr" -- test -s /data/roost.mv.db; }
  check "the H2 database is in /data (ROOST_DB_URL's default)" in_data
  status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
  check "GET /api/v1/devices with the admin token: 200" \
    test "$(status_of -H "Authorization: Bearer $token" "$api/api/v1/devices")" = 200
  check "GET /api/v1/devices without a token: 401" test "$(status_of "$api/api/v1/devices")" = 401
  healthcheck() { buildah run --env "SERVER_PORT=$port" "$server_ctr" -- sh -c "$health_cmd"; }
  check "the image's HEALTHCHECK command passes inside the container" healthcheck

  # 6. the edge agent, from its image, as a registered device
  secret=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  body="{\"name\":\"smoke-gw\",\"secret\":\"$secret\",\"hardware\":{\"serial\":\"SMOKE-1\",\"model\":\"image\"}}"
  registered=$(curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body" \
    "$api/api/v1/devices" || true)
  device=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["data"]["device"]["id"])' \
    "$registered" 2>/dev/null) || log "the registration answered: $registered"
  check "POST /api/v1/devices registers a device: ${device:-none}" test -n "$device"
  if [ -n "$device" ]; then
    mapfile -t edge_entrypoint < <(config "$edge_image" "$entrypoint_of")
    edge_ctr=$(buildah from --pull-never "$edge_image"); containers+=("$edge_ctr")
    printf '%s' "$secret" > "$work/device.secret"; chmod 644 "$work/device.secret"
    buildah copy --chown 10001:10001 "$edge_ctr" "$work/device.secret" /run/secrets/device >/dev/null
    setsid buildah run --env "ROOST_EDGE_SERVER_URL=ws://127.0.0.1:$port/ws" \
      --env "ROOST_EDGE_DEVICE_ID=$device" --env ROOST_EDGE_SECRET_FILE=/run/secrets/device \
      "$edge_ctr" -- "${edge_entrypoint[@]}" > "$work/edge.log" 2>&1 &
    edge_run=$!; pids+=("$edge_run")
    online() { curl -fsS -H "Authorization: Bearer $token" "$api/api/v1/devices/$device" \
      | python3 -c 'import json, sys; sys.exit(json.load(sys.stdin)["data"]["state"] != "ONLINE")'; }
    check "the agent in the edge image brings device $device online" await 60 online \
      || tail -30 "$work/edge.log" >&2
    check "the edge agent stops on SIGTERM" stop_container "$edge_run"
  fi

  # 7. stop the server
  check "the server stops on SIGTERM" stop_container "$server_run"
  port_closed() { ! ss -Hltn "sport = :$port" | grep -q .; }
  check "the server's port is closed afterwards" port_closed
fi

ended=$(date +%s)
log "timing: base $(( t_base - started )) s, pipeline $(( t_pipeline - t_base )) s," \
  "pull+run+checks $(( ended - t_pipeline )) s, total $(( ended - started )) s"
echo "image-smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
