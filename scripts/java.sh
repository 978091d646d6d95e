# Sourced by ./dev, ./roost and ./roost-edge: finds a Java 21+ even when the default `java` is older.
#   roost_find_java jdk      the newest JDK 21+ (with javac), for building
#   roost_find_java runtime  the first Java 21+ in search order, for running a jar (starts sooner)
# Either prints "<major> <home>" or explains on stderr and returns 1.
# roost_java_opts <major> sets ROOST_JAVA_OPTS to the flags that silence the expected JVM warnings.

roost_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

roost_find_java() {
  local want=${1:-runtime} tool=java
  [ "$want" = jdk ] && tool=javac
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v "$tool" >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v "$tool")")")")")
  fi
  local dir
  for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  local best="" best_major=0 home major
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/$tool" ] || continue
    major=$(roost_java_major "$home")
    major=${major%%.*}
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$home"; best_major="$major"
      [ "$want" = runtime ] && break
    fi
  done
  if [ -z "$best" ]; then
    echo "Roost needs Java 21 or newer, and none was found (JAVA_HOME, PATH, /usr/lib/jvm, /opt/java)." >&2
    echo "Install one, e.g. on Debian/Ubuntu: apt-get install openjdk-21-jdk (or temurin-25-jdk from the" >&2
    echo "Adoptium repository); or set JAVA_HOME to an installed Java 21+." >&2
    return 1
  fi
  echo "$best_major $best"
}

roost_java_opts() {
  # Netty and JNA (OSHI) use native access, protobuf uses sun.misc.Unsafe: both expected. Only JDK 23+
  # knows the Unsafe flag, and older ones refuse to start with it.
  ROOST_JAVA_OPTS=(--enable-native-access=ALL-UNNAMED)
  if [ "$1" -ge 23 ]; then
    ROOST_JAVA_OPTS=(--sun-misc-unsafe-memory-access=allow "${ROOST_JAVA_OPTS[@]}")
  fi
}
