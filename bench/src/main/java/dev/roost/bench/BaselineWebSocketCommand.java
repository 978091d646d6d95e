package dev.roost.bench;

import dev.roost.cli.command.DurationConverter;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The southbound baseline: a bare Helidon WebSocket endpoint at /ws ({@link BaselineDeviceEndpoint})
 * on the same Helidon webserver as Roost, with the server settings of Roost's application.yaml that
 * shape a device connection. The fleet simulator holds sessions against it as against Roost, so the
 * heap a held session costs here is the floor Helidon sets, and Roost's figure minus this one is
 * what Roost adds per session.
 */
@Command(name = "baseline-websocket", mixinStandardHelpOptions = true,
        description = "Bare Helidon WebSocket endpoint at /ws that answers auth, ping and status like Roost "
                + "(no credential check, nothing stored); runs until killed.")
final class BaselineWebSocketCommand implements Callable<Integer> {
    static final String PATH = "/ws";
    /**
     * Roost's application.yaml, server section: blocking sockets on virtual threads (one read buffer
     * per connection), Nagle off, the long idle timeout of device connections.
     */
    static final Config TRANSPORT = Config.just(ConfigSources.create(Map.of(
            "server.use-nio", "false",
            "server.idle-connection-timeout", "PT10M",
            "server.max-payload-size", "16777216",
            "server.connection-options.tcp-no-delay", "true")));

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "0", description = "port to listen on; 0 for any (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--heartbeat-interval", defaultValue = "30s", converter = DurationConverter.class,
            description = "heartbeat_interval_ms told to devices, Roost's default (default: ${DEFAULT-VALUE})")
    Duration heartbeatInterval;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        WebServer server = start(port, heartbeatInterval);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }));
        out.printf("baseline-websocket: ws://127.0.0.1:%d%s (pid %d)%n", server.port(), PATH,
                ProcessHandle.current().pid());
        out.flush();
        stopped.await();
        return 0;
    }

    static WebServer start(int port, Duration heartbeatInterval) {
        return WebServer.builder()
                .config(TRANSPORT.get("server"))
                .port(port)
                .addRouting(WsRouting.builder().endpoint(PATH,
                        new BaselineDeviceEndpoint(heartbeatInterval, Clock.systemUTC())))
                .build()
                .start();
    }
}
