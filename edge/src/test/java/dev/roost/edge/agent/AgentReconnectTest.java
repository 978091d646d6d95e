package dev.roost.edge.agent;

import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.link.ConnectionManager;
import dev.roost.edge.link.SessionToken;
import dev.roost.edge.link.SessionTokenFile;
import dev.roost.edge.sim.SyntheticStatusSource;
import dev.roost.edge.status.BootId;
import dev.roost.edge.support.AgentFixture;
import dev.roost.edge.support.CapturedLog;
import dev.roost.edge.support.CountingMetrics;
import dev.roost.edge.support.FreezableProxy;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** The agent's reconnect loop against the real server: restarts, persisted and expired tokens, dead links. */
class AgentReconnectTest {
    @TempDir
    Path dir;

    private final CountingMetrics metrics = new CountingMetrics();

    private EdgeAgent agent(int port, String[] device) {
        return agent(port, device, Clock.systemUTC());
    }

    private EdgeAgent agent(int port, String[] device, Clock clock) {
        AgentConfig config = AgentFixture.config(dir, port, device[0], device[1], Map.of());
        BootId bootId = new BootId("boot-r");
        return EdgeAgent.builder(config).systemStatus(new SyntheticStatusSource(2, bootId, "t"), bootId)
                .metrics(metrics).clock(clock).build().start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean online(TestServer server, String device) {
        return server.rest().get("/api/v1/devices/" + device + "/status", ADMIN_TOKEN).data().path("online").asBoolean();
    }

    @Test
    void serverRestart_agentReconnectsOnItsOwn_andIsOnlineAgain() throws Exception {
        int port = freePort();
        List<String> logged;
        try (CapturedLog linkLog = CapturedLog.of(ConnectionManager.class);
             TestDatabase database = TestDatabase.create()) {
            logged = linkLog.lines();
            TestServer first = TestServer.start(database, Map.of(), port);
            String[] device = first.registerDevice("restart");
            try (EdgeAgent agent = agent(port, device)) {
                Await.until("first session", () -> metrics.connects.get() == 1);
                first.close();
                Await.until("link lost", () -> metrics.disconnects.get() == 1);
                try (TestServer second = TestServer.start(database, Map.of(), port)) {
                    Await.until("reconnected", Duration.ofSeconds(15), () -> metrics.connects.get() == 2);
                    Await.until("online on the restarted server", () -> online(second, device[0]));
                    assertThat(agent.isLive()).isTrue();
                }
            }
        }
        // The close code as the protocol writes it, not as a formatted number ("1,001").
        assertThat(logged).filteredOn(line -> line.startsWith("disconnected: ")).isNotEmpty()
                .allMatch(line -> line.matches("disconnected: \\d{4} .*"), "close code without separators");
    }

    @Test
    void expiredSessionToken_isNotPresented_theAgentUsesItsSecret() throws Exception {
        int port = freePort();
        // Agent and server read one clock that moves only when told: past the token's hour, both see it expired.
        ManualClock clock = new ManualClock();
        Map<String, String> hourTokens = Map.of("southbound.session-token-ttl", "PT1H");
        try (TestDatabase database = TestDatabase.create()) {
            TestServer first = TestServer.start(database, hourTokens, port, clock);
            String[] device = first.registerDevice("token");
            try (EdgeAgent agent = agent(port, device, clock)) {
                Await.until("first session", () -> metrics.connects.get() == 1);
                first.close();
                Await.until("link lost", () -> metrics.disconnects.get() == 1);
                clock.advance(Duration.ofHours(1).plusMillis(1));
                try (TestServer second = TestServer.start(database, hourTokens, port, clock)) {
                    Await.until("reconnected with the secret", Duration.ofSeconds(15),
                            () -> metrics.connects.get() == 2);
                    // The token carries its expiry: the agent knows it is stale without asking the
                    // server, which would have answered TOKEN_EXPIRED (a token the server refuses is
                    // covered by SessionTokenLinkTest).
                    assertThat(metrics.failures).doesNotContain("auth_error TOKEN_EXPIRED");
                    assertThat(agent.isLive()).isTrue();
                }
            }
        }
    }

    @Test
    void restartedAgent_reconnectsWithThePersistedSessionToken_notItsSecret() throws Exception {
        try (TestServer server = TestServer.start()) {
            String[] device = server.registerDevice("persisted-token");
            Path tokenFile = dir.resolve("state").resolve(EdgeAgent.SESSION_TOKEN_FILE);
            try (EdgeAgent first = agent(server.port(), device)) {
                Await.until("first session", () -> metrics.connects.get() == 1);
                Await.until("token persisted", () -> Files.exists(tokenFile));
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            assertThat(Files.readString(tokenFile)).startsWith(device[0] + ",").doesNotContain(device[1]);

            // Restarted with a wrong secret: only the persisted token can get it in.
            String[] wrongSecret = {device[0], "not-the-secret-0123456789"};
            try (EdgeAgent restarted = agent(server.port(), wrongSecret)) {
                Await.until("second session", () -> metrics.connects.get() == 2);
                assertThat(metrics.failures).isEmpty();
                Await.until("online again", () -> online(server, device[0]));
            }
        }
    }

    @Test
    void persistedTokenTheServerRefuses_isReplaced_afterAFallbackToTheSecret() throws Exception {
        try (TestServer server = TestServer.start()) {
            String[] device = server.registerDevice("refused-token");
            Path tokenFile = dir.resolve("state").resolve(EdgeAgent.SESSION_TOKEN_FILE);
            String forged = "forged.token";
            SessionTokenFile.write(tokenFile, List.of(new SessionToken(device[0], forged,
                    Instant.now().plus(Duration.ofHours(1)))));
            try (EdgeAgent agent = agent(server.port(), device)) {
                Await.until("connected with the secret", () -> metrics.connects.get() == 1);
                assertThat(metrics.failures).containsExactly("auth_error INVALID_CREDENTIALS");
                Await.until("the issued token persisted", () -> Files.exists(tokenFile)
                        && !read(tokenFile).contains(forged));
            }
        }
    }

    @Test
    void silentServer_isDetectedAsADeadLink_afterTwoHeartbeats_andTheAgentReconnects() throws Exception {
        try (TestServer server = TestServer.start(Map.of("southbound.heartbeat-interval", "PT0.5S"));
             FreezableProxy proxy = new FreezableProxy(server.port())) {
            String[] device = server.registerDevice("dead-link");
            try (EdgeAgent agent = agent(proxy.port(), device)) {
                Await.until("first session", () -> metrics.connects.get() == 1);
                Await.until("heartbeats answered", () -> metrics.pongs.get() + metrics.statusAcks.get() >= 2);
                proxy.freezeExisting();
                // When exactly a silent link counts as dead is DeadLinkTest's, on a clock the test moves.
                Await.until("dead link noticed", Duration.ofSeconds(5), () -> metrics.disconnects.get() == 1);
                Await.until("reconnected through a fresh connection", Duration.ofSeconds(10),
                        () -> metrics.connects.get() == 2 && agent.isLive());
                assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
            }
        }
    }
}
