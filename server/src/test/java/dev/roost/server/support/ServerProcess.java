package dev.roost.server.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's own {@code Main} in a child JVM (this test classpath), on an embedded H2 database
 * in {@code dir} and a free port: for what only a real process shows, such as a SIGTERM.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final Process process;
    private final int port;
    private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());

    private ServerProcess(Process process, Duration startTimeout) throws Exception {
        this.process = process;
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        listening.complete(Integer.parseInt(matcher.group(1)));
                    }
                }
            } catch (java.io.IOException ended) {
                // The process ended; what it printed is kept.
            }
            listening.completeExceptionally(new IllegalStateException("the server ended before listening: "
                    + String.join("\n", output)));
        });
        this.port = listening.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static ServerProcess start(Path dir) throws Exception {
        return start("jdbc:h2:file:" + dir.resolve("roost") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE", Map.of());
    }

    /** A server on the database at {@code dbUrl} (its user: sa for H2, root otherwise), with more settings. */
    public static ServerProcess start(String dbUrl, Map<String, String> settings) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dserver.port=0", "-Dserver.host=127.0.0.1", "-Droost.db.url=" + dbUrl,
                "-Droost.bcrypt.cost=4", "-Droost.admin.token=" + TestServer.ADMIN_TOKEN));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("dev.roost.server.Main");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return new ServerProcess(process, Duration.ofSeconds(60));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public RestClient rest() {
        return RestClient.to("http://127.0.0.1:" + port);
    }

    /** SIGKILL: the process ends at once, as with {@code kill -9}. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM, as a service manager stopping the server does. */
    public void terminate() {
        process.destroy();
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<String> output() {
        return List.copyOf(output);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
