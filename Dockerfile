# Roost server image. Build: docker build -t roost .
# Run:   docker run -p 9090:9090 -v roost-data:/data roost
# Configuration is by environment variables only (see docs/operations.md).

# ---- build: the server's thin jar and its libs/ -------------------------------------------------
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds (BuildKit); the image does not contain it.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl server -am package -DskipTests

# ---- run -------------------------------------------------------------------------------------
FROM eclipse-temurin:25-jre
# curl serves the HEALTHCHECK only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 roost \
 && useradd --system --uid 10001 --gid roost --home-dir /data --no-create-home --shell /usr/sbin/nologin roost \
 && mkdir -p /data \
 && chown roost:roost /data

WORKDIR /app
# The jar's manifest puts libs/*.jar on its class path.
COPY --from=build /src/server/target/libs/ /app/libs/
COPY --from=build /src/server/target/roost-server.jar /app/roost-server.jar

ENV ROOST_DB_URL="jdbc:h2:file:/data/roost;MODE=MySQL;DATABASE_TO_LOWER=TRUE"
VOLUME /data
EXPOSE 9090
USER roost:roost

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT:-9090}/observe/health" \
   || curl -fsSk -o /dev/null "https://127.0.0.1:${SERVER_PORT:-9090}/observe/health" \
   || exit 1

# Extra JVM options: JAVA_TOOL_OPTIONS (read by the JVM itself).
ENTRYPOINT ["java", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", \
            "-XX:MaxRAMPercentage=75", "-jar", "/app/roost-server.jar"]
