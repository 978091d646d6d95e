#!/usr/bin/env bash
# Installs what the release scripts need from Debian's packages, when it is missing:
# buildah (builds and runs images without a daemon), docker-registry (a loopback OCI registry for
# the image smoke test), mmdebstrap (the locally made base image). Needs root and apt-get.
# Exit status 0 when everything is there afterwards, 1 otherwise (with the reason on stderr).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=release/lib.sh
. "$here/lib.sh"

declare -A package_of=([buildah]=buildah [docker-registry]=docker-registry [mmdebstrap]=mmdebstrap [curl]=curl)
missing=()
find_missing() {
  local tool
  missing=()
  for tool in "${!package_of[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
  done
}
find_missing
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  log "missing: ${missing[*]}; install them (Debian/Ubuntu: apt-get install ${missing[*]}) or run this as root"
  exit 1
fi
log "installing ${missing[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q && apt-get install -y -q "${missing[@]}"; } >&2; then
  log "apt-get could not install ${missing[*]}"
  exit 1
fi
find_missing
[ ${#missing[@]} -eq 0 ] || { log "still missing after apt-get: ${missing[*]}"; exit 1; }
