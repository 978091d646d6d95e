#!/usr/bin/env bash
# Roost's release pipeline as one command: test, build the jars, build the server and edge-agent
# images, tag each YYYYMMDD-HHMMSS-<short sha> (build time, UTC) and latest, push both tags to the
# registry named by ROOST_REGISTRY, and print the pushed digests.
#
#   ROOST_REGISTRY=registry.example.com/roost release/pipeline.sh
#
# Options:   --skip-tests   the jars only (for a runner that has just run the tests)
# Settings (environment):
#   ROOST_REGISTRY              where to push, host[:port][/namespace]; images are
#                               $ROOST_REGISTRY/roost-server and $ROOST_REGISTRY/roost-edge.
#                               Unset: the images are built and tagged localhost/roost/..., not pushed.
#   ROOST_REGISTRY_TLS_VERIFY   false for a plain-HTTP registry (a loopback one in tests); default true
#   ROOST_BASE_IMAGE            base image of both Dockerfiles (default: their fully qualified public
#                               base); release/local-base.sh makes one where that cannot be pulled
#   BUILDAH_ISOLATION           default chroot (works without a daemon, cgroup delegation or userns)
# Registry credentials are buildah's: `buildah login REGISTRY` or REGISTRY_AUTH_FILE.
#
# Output: one line per pushed image on stdout, `<name> <repository>:<tag> <digest>`, both tags
# sharing the digest; progress goes to stderr. Builds with buildah; needs git and a JDK 21+ (./dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=release/lib.sh
. "$root/release/lib.sh"
cd "$root"

run_tests=true
for arg in "$@"; do
  case "$arg" in
    --skip-tests) run_tests=false ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $arg (see --help)" ;;
  esac
done

require_tools git buildah
export BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}
started=$(date +%s)

sha=$(git rev-parse --short HEAD)
revision=$(git rev-parse HEAD)
# The commit time stamps jar entries and image files, so the same commit gives the same layers.
epoch=$(git log -1 --format=%ct HEAD)
built_at=$(date -u +%Y%m%d-%H%M%S)
tag="$built_at-$sha"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  tag+="-dirty"
  log "the work tree has uncommitted changes: the tag is $tag"
fi
registry=${ROOST_REGISTRY:-}
registry=${registry%/}
prefix=${registry:-localhost/roost}
tls_verify=${ROOST_REGISTRY_TLS_VERIFY:-true}

mvn_args=(-B "-Dproject.build.outputTimestamp=$epoch")
if $run_tests; then
  log "test: the whole suite (./dev mvn verify), which also builds the jars"
  ./dev mvn "${mvn_args[@]}" verify >&2
else
  log "jars: server and edge (tests skipped)"
  ./dev mvn "${mvn_args[@]}" -q -pl server,edge -am package -DskipTests >&2
fi
t_jars=$(date +%s)

# name, Dockerfile
images=("roost-server Dockerfile" "roost-edge edge/Dockerfile")
bud_args=(--layers --format docker --timestamp "$epoch" --build-arg "SOURCE_DATE_EPOCH=$epoch"
  --label "org.opencontainers.image.revision=$revision"
  --label "org.opencontainers.image.version=$tag")
if [ -n "${ROOST_BASE_IMAGE:-}" ]; then
  bud_args+=(--build-arg "BASE_IMAGE=$ROOST_BASE_IMAGE")
  log "base image: $ROOST_BASE_IMAGE"
fi
for entry in "${images[@]}"; do
  read -r name dockerfile <<<"$entry"
  log "image: $prefix/$name:$tag (from $dockerfile)"
  # --format docker: the OCI image config has no HEALTHCHECK, so buildah would drop it.
  buildah bud --quiet "${bud_args[@]}" -f "$dockerfile" -t "$prefix/$name:$tag" -t "$prefix/$name:latest" . >/dev/null
  log "  $(buildah images --format '{{.Size}}' "$prefix/$name:$tag" | head -1) uncompressed"
done
t_images=$(date +%s)

if [ -z "$registry" ]; then
  log "ROOST_REGISTRY is not set: built and tagged locally, nothing pushed ($(( t_images - started )) s)"
  for entry in "${images[@]}"; do
    read -r name _ <<<"$entry"
    echo "$name $prefix/$name:$tag (not pushed)"
  done
  exit 0
fi

digests=$(mktemp)
trap 'rm -f "$digests"' EXIT
for entry in "${images[@]}"; do
  read -r name _ <<<"$entry"
  for t in "$tag" latest; do
    buildah push --quiet --tls-verify="$tls_verify" --digestfile "$digests" \
      "$prefix/$name:$t" "docker://$prefix/$name:$t" >&2
    echo "$name $prefix/$name:$t $(cat "$digests")"
  done
done
t_push=$(date +%s)
log "done in $(( t_push - started )) s: jars $(( t_jars - started )) s," \
  "images $(( t_images - t_jars )) s, push $(( t_push - t_images )) s"
