# Roost server image, built from the jars of a finished Maven build (the tested ones):
#   ./dev mvn -B -q package -DskipTests      # server/target/roost-server.jar + server/target/libs/
#   docker build -t roost .                  # or: buildah bud --format docker -t roost .
#   docker run -p 9090:9090 -v roost-data:/data roost
# release/pipeline.sh does both, tags and pushes (docs/operations.md, "Container images and the
# release pipeline"). Configuration is by environment variables only.
#
# No BuildKit feature is used: the classic builder, BuildKit and buildah build it alike.
# BASE_IMAGE is any image with a Java 21+ `java` on PATH, groupadd/useradd and a POSIX shell; the
# default is fully qualified so that podman/buildah need no short-name resolution.
# release/local-base.sh makes one locally where public registries cannot be reached.
ARG BASE_IMAGE=docker.io/library/eclipse-temurin:25-jre

FROM ${BASE_IMAGE}

# The health check needs curl; the Temurin images ship it, other bases may not.
# SOURCE_DATE_EPOCH (the pipeline passes the commit time) keeps useradd's dates reproducible.
ARG SOURCE_DATE_EPOCH
RUN set -eu; \
    if ! command -v curl >/dev/null 2>&1; then \
      apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --gid 10001 roost; \
    useradd --no-log-init --uid 10001 --gid roost --home-dir /data --no-create-home --shell /usr/sbin/nologin roost; \
    mkdir -p /data; \
    chown roost:roost /data; \
    rm -f /etc/passwd- /etc/group- /etc/shadow- /etc/gshadow- /var/log/faillog /var/log/lastlog

WORKDIR /app
# libs/ first: it changes less often than the application jar, so its layer is reused more.
# The jar's manifest puts libs/*.jar on its class path.
COPY server/target/libs/ /app/libs/
COPY server/target/roost-server.jar /app/roost-server.jar

ENV ROOST_DB_URL="jdbc:h2:file:/data/roost;MODE=MySQL;DATABASE_TO_LOWER=TRUE"
VOLUME /data
EXPOSE 9090
USER 10001:10001

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT:-9090}/observe/health" \
   || curl -fsSk -o /dev/null "https://127.0.0.1:${SERVER_PORT:-9090}/observe/health" \
   || exit 1

# The JVM sizes its heap from the container's memory limit (75%) and exits on OutOfMemoryError so
# that the engine restarts it rather than leaving a half-working server; java is PID 1 and gets
# SIGTERM directly (clean stop). More JVM options: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \
            "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", \
            "-jar", "/app/roost-server.jar"]
