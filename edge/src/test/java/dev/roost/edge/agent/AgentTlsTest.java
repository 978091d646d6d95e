package dev.roost.edge.agent;

import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.sim.SimulateCommand;
import dev.roost.edge.sim.SyntheticStatusSource;
import dev.roost.edge.status.BootId;
import dev.roost.edge.support.AgentFixture;
import dev.roost.edge.support.CountingMetrics;
import dev.roost.server.support.Await;
import dev.roost.server.support.TestPki;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent and the simulator over real TLS (wss) against the real server, with a CA made for the
 * test: a pinned CA, a server certificate it must refuse, and mutual TLS mapped to the device.
 */
class AgentTlsTest {
    @TempDir
    static Path pki;

    private static TestPki ca;
    private static Path caFile;
    /** client-auth optional: devices without a certificate log in with their secret. */
    private static TestServer server;
    /** client-auth required: no verified certificate, no connection. */
    private static TestServer strict;

    @TempDir
    Path dir;

    private final CountingMetrics metrics = new CountingMetrics();

    @BeforeAll
    static void start() {
        ca = TestPki.newCa("Roost Edge Test CA");
        caFile = ca.writeCertificate(pki.resolve("ca.crt"));
        // Only the IP: a URL naming "localhost" does not match it.
        TestPki.Issued serverCert = ca.issueServer(pki, "server", "127.0.0.1");
        Map<String, String> tls = Map.of("tls.cert", serverCert.certificate().toString(),
                "tls.key", serverCert.privateKey().toString(), "tls.client-ca", caFile.toString());
        server = TestServer.startTls(with(tls, "tls.client-auth", "optional"), caFile, Optional.empty());
        strict = TestServer.startTls(with(tls, "tls.client-auth", "required"), caFile,
                Optional.of(ca.issueClient(pki, "operator", "operator")));
    }

    @AfterAll
    static void stop() {
        server.close();
        strict.close();
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> values = new HashMap<>(base);
        values.put(key, value);
        return values;
    }

    private EdgeAgent agent(TestServer target, String host, String[] device, Map<String, String> tls) {
        Map<String, String> extra = new HashMap<>(tls);
        extra.put("server-url", "wss://" + host + ":" + target.port() + "/ws");
        AgentConfig config = AgentFixture.config(dir, target.port(), device[0], device[1], extra);
        BootId bootId = new BootId("boot-tls");
        return EdgeAgent.builder(config).systemStatus(new SyntheticStatusSource(3, bootId, "t"), bootId)
                .metrics(metrics).build().start();
    }

    private static boolean online(TestServer target, String device) {
        return target.rest().get("/api/v1/devices/" + device + "/status", ADMIN_TOKEN).data().path("online")
                .asBoolean();
    }

    @Test
    void wssWithPinnedCa_connects_andTheDeviceIsOnline() {
        String[] device = server.registerDevice("wss-pinned");
        try (EdgeAgent agent = agent(server, "127.0.0.1", device, Map.of("tls.ca-file", caFile.toString()))) {
            Await.until("live over wss", agent::isLive);
            Await.until("online", () -> online(server, device[0]));
            assertThat(metrics.failedAttempts.get()).isZero();
        }
    }

    @Test
    void serverCertificateNotIssuedByThePinnedCa_isRefused_withAClearReason() {
        String[] device = server.registerDevice("wss-other-ca");
        Path otherCa = TestPki.newCa("Another CA").writeCertificate(dir.resolve("other-ca.crt"));
        try (EdgeAgent agent = agent(server, "127.0.0.1", device, Map.of("tls.ca-file", otherCa.toString()))) {
            Await.until("two refused attempts", () -> metrics.failedAttempts.get() >= 2);
            assertThat(metrics.failures.getFirst()).startsWith("TLS handshake failed: the server's certificate is not "
                    + "issued by a CA in the pinned CA file " + otherCa);
            assertThat(metrics.connects.get()).isZero();
            assertThat(agent.isLive()).isFalse();
        }
    }

    @Test
    void serverCertificateForAnotherHostName_isRefused() {
        String[] device = server.registerDevice("wss-host");
        try (EdgeAgent agent = agent(server, "localhost", device, Map.of("tls.ca-file", caFile.toString()))) {
            Await.until("a refused attempt", () -> metrics.failedAttempts.get() >= 1);
            assertThat(metrics.failures.getFirst()).startsWith("TLS handshake failed: the server's certificate was "
                    + "refused").contains("localhost");
            assertThat(metrics.connects.get()).isZero();
        }
    }

    @Test
    void mutualTls_theDevicesOwnCertificate_logsIn() {
        String[] device = strict.registerDevice("mtls-own");
        TestPki.Issued own = ca.issueClient(dir, "device", device[0]);
        try (EdgeAgent agent = agent(strict, "127.0.0.1", device, Map.of("tls.ca-file", caFile.toString(),
                "tls.client-cert", own.certificate().toString(), "tls.client-key", own.privateKey().toString()))) {
            Await.until("live with a client certificate", agent::isLive);
            Await.until("online", () -> online(strict, device[0]));
        }
    }

    @Test
    void mutualTls_aCertificateNamingAnotherDevice_isRefusedAtAuth() {
        String[] device = strict.registerDevice("mtls-mine");
        String[] other = strict.registerDevice("mtls-other");
        TestPki.Issued othersCert = ca.issueClient(dir, "other", other[0]);
        try (EdgeAgent agent = agent(strict, "127.0.0.1", device, Map.of("tls.ca-file", caFile.toString(),
                "tls.client-cert", othersCert.certificate().toString(),
                "tls.client-key", othersCert.privateKey().toString()))) {
            Await.until("a refused login", () -> metrics.failedAttempts.get() >= 1);
            assertThat(metrics.failures.getFirst()).isEqualTo("auth_error CERTIFICATE_MISMATCH");
            assertThat(metrics.connects.get()).isZero();
        }
    }

    @Test
    void mutualTls_required_noCertificate_failsTheTlsHandshake() {
        String[] device = strict.registerDevice("mtls-none");
        try (EdgeAgent agent = agent(strict, "127.0.0.1", device, Map.of("tls.ca-file", caFile.toString()))) {
            Await.until("a refused attempt", () -> metrics.failedAttempts.get() >= 1);
            assertThat(metrics.failures.getFirst()).startsWith("TLS handshake failed: the server wants a client "
                    + "certificate");
            assertThat(metrics.connects.get()).isZero();
        }
    }

    @Test
    void simulator_registersOverHttps_andConnectsItsFleetOverWss() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new SimulateCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--server-url", "wss://127.0.0.1:" + server.port() + "/ws", "--ca-file", caFile.toString(),
                        "--admin-token", ADMIN_TOKEN, "--devices", "3", "--io-threads", "1", "--rate", "100",
                        "--status-interval", "PT0.2S", "--duration", "PT1S", "--token-save-every", "PT0S");
        assertThat(err.toString()).isEmpty();
        assertThat(exitCode).as(out.toString()).isZero();
        assertThat(out.toString()).contains("registered 3 devices").contains("all 3 devices connected")
                .contains("failed_attempts=0");
    }
}
