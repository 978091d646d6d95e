#!/usr/bin/env bash
# Makes a Java runtime base image locally, for machines that cannot pull public base images.
#
#   release/local-base.sh            prints the image name (localhost/roost/jre-base:<key>) on stdout
#
# The image is a minimal Debian root filesystem (mmdebstrap, variant minbase, plus curl for the
# health check and passwd for useradd) with a jlink'ed Java runtime at /opt/java/openjdk, laid out
# like the public eclipse-temurin images (JAVA_HOME, PATH), so the Dockerfiles build on either.
#
# Building it takes a few minutes, so it is cached by a content key (this script, the JDK's
# release file, the Debian suite) twice: as a tag in buildah's storage and as an OCI archive
# under ROOST_RELEASE_CACHE (default /var/cache/roost-release), outside the repository.
#
# Settings (environment): ROOST_BASE_JDK (default: the newest JDK 21+ under /usr/lib/jvm),
# ROOST_BASE_SUITE (default bookworm), ROOST_BASE_MIRROR (default http://deb.debian.org/debian),
# ROOST_RELEASE_CACHE. Needs root, buildah and mmdebstrap (release/prereqs.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=release/lib.sh
. "$here/lib.sh"

suite=${ROOST_BASE_SUITE:-bookworm}
mirror=${ROOST_BASE_MIRROR:-http://deb.debian.org/debian}
cache=${ROOST_RELEASE_CACHE:-/var/cache/roost-release}
jdk=${ROOST_BASE_JDK:-$(find_jdk)}
[ -x "$jdk/bin/jlink" ] || die "no jlink in $jdk: set ROOST_BASE_JDK to a JDK 21+"
require_tools buildah mmdebstrap

# The modules the server and the edge agent use (jdeps --print-module-deps over their jars and
# libs), plus what an operator reaches for in a running container: jcmd and JFR for diagnosis,
# java.instrument for agents given in JAVA_TOOL_OPTIONS, JMX, zipfs, charsets and DNS naming.
modules=java.base,java.compiler,java.desktop,java.management,java.naming,java.net.http,java.security.jgss
modules+=,java.sql,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.zipfs,jdk.charsets,jdk.naming.dns
modules+=,jdk.localedata,jdk.jcmd,jdk.jfr,jdk.management.jfr,java.instrument,jdk.management.agent
modules+=,jdk.security.auth,jdk.net

key=$( { cat "$0"; cat "$jdk/release"; echo "$suite $mirror $modules"; } | sha256sum | cut -c1-16)
image=localhost/roost/jre-base:$key
archive=$cache/jre-base-$key.oci.tar

if buildah inspect --type image "$image" >/dev/null 2>&1; then
  log "base image $image is in buildah's storage (cached)"
  echo "$image"; exit 0
fi
if [ -f "$archive" ]; then
  log "loading base image $image from $archive"
  if id=$(buildah pull --quiet "oci-archive:$archive" 2>/dev/null) && buildah tag "$id" "$image"; then
    echo "$image"; exit 0
  fi
  log "the archive did not load; building the base again"
fi

work=$(mktemp -d /var/tmp/roost-base.XXXXXX)
ctr=""
cleanup() { [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

log "making a $suite minbase root filesystem with mmdebstrap (takes a minute or two)"
# Documentation, man pages and locales are left out: a server image reads none of them.
mmdebstrap --quiet --variant=minbase --include=curl,passwd \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  "$suite" "$work/rootfs" "$mirror" >&2

log "jlink: a Java $(jdk_version "$jdk") runtime into /opt/java/openjdk"
mkdir -p "$work/rootfs/opt/java"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --generate-cds-archive --output "$work/rootfs/opt/java/openjdk" >&2

log "importing the root filesystem into buildah as $image"
ctr=$(buildah from scratch)
tar -C "$work/rootfs" --numeric-owner --sort=name -cf "$work/rootfs.tar" .
buildah add --quiet "$ctr" "$work/rootfs.tar" / >/dev/null
buildah config \
  --env JAVA_HOME=/opt/java/openjdk \
  --env PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env LANG=C.UTF-8 \
  --label "org.opencontainers.image.description=Debian $suite minbase, jlink'ed Java (release/local-base.sh)" \
  --cmd '["java", "-version"]' "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
ctr=""

# Older bases (made by an earlier version of this script or JDK) are not used again.
for old in $(buildah images --format '{{.Name}}:{{.Tag}}' --filter reference=localhost/roost/jre-base); do
  [ "$old" = "$image" ] || buildah rmi "$old" >/dev/null 2>&1 || true
done
mkdir -p "$cache"
find "$cache" -maxdepth 1 -name 'jre-base-*.oci.tar' ! -name "jre-base-$key.oci.tar" -delete
buildah push --quiet "$image" "oci-archive:$archive:$image" >/dev/null 2>&1 \
  && log "cached as $archive" || log "could not write the cache archive $archive (the image stays in buildah's storage)"
echo "$image"
