package dev.roost.fault;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server jar in a child JVM on a loopback port, started again on the same database after a
 * kill. Its output goes to {@code server.log} in the run's folder.
 */
final class ServerProcess implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServerProcess.class.getName());

    /** Settings every run uses; the heartbeat is short so that a stalled server shows within seconds. */
    record Launch(Path java, Path jar, Path workDir, String adminToken, Duration heartbeat, List<String> jvmArgs,
                  ChildPids pids) {
    }

    private final Launch launch;
    private final Map<String, String> dbEnvironment;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    ServerProcess(Launch launch, Map<String, String> dbEnvironment) {
        this.launch = launch;
        this.dbEnvironment = dbEnvironment;
        this.port = FreePort.pick();
    }

    int port() {
        return port;
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + port);
    }

    URI webSocket() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** Starts the server and waits (bounded) for its health check. */
    void start() throws IOException {
        List<String> command = new ArrayList<>(List.of(launch.java().toString(),
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-Xmx512m"));
        command.addAll(launch.jvmArgs());
        command.addAll(List.of("-jar", launch.jar().toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(launch.workDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.workDir().resolve("server.log").toFile()));
        Map<String, String> env = builder.environment();
        env.putAll(dbEnvironment);
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("ROOST_ADMIN_TOKEN", launch.adminToken());
        env.put("ROOST_BCRYPT_COST", "4");
        env.put("ROOST_SOUTHBOUND_HEARTBEAT_dash_INTERVAL", launch.heartbeat().toString());
        process = builder.start();
        launch.pids().record(process);
        boolean up = Await.until(Duration.ofSeconds(180), Duration.ofMillis(250), () -> !process.isAlive() || healthy());
        if (!up || !process.isAlive()) {
            throw new IOException("the server did not become healthy on port " + port + "; see "
                    + launch.workDir().resolve("server.log"));
        }
        LOG.log(System.Logger.Level.INFO, "server pid {0} on 127.0.0.1:{1}", process.pid(), port);
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    boolean healthy() {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(api().resolve("/observe/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill -9: no shutdown hook, no flush, no close frames. */
    void kill9() {
        Signals.kill9(process);
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                Signals.kill9(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
