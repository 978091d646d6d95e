# Helpers shared by the release scripts (sourced, not run).

log() { printf '%s %s\n' "[release]" "$*" >&2; }
die() { printf '%s %s\n' "[release] ERROR:" "$*" >&2; exit 1; }

# require_tools TOOL...: fails with the Debian package to install when one is missing.
require_tools() {
  local tool missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  die "missing: ${missing[*]} — run release/prereqs.sh" \
    "(as root: installs Debian's buildah, docker-registry, mmdebstrap)"
}

jdk_version() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# find_jdk: JAVA_HOME when it is a JDK 21+, else the newest JDK 21+ under /usr/lib/jvm.
find_jdk() {
  local home best="" best_major=0 major
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$home/bin/jlink" ] || continue
    major=$(jdk_version "$home"); major=${major%%.*}
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$home; best_major=$major
    fi
  done
  [ -n "$best" ] || die "no JDK 21+ with jlink found (JAVA_HOME, /usr/lib/jvm)"
  echo "$best"
}
