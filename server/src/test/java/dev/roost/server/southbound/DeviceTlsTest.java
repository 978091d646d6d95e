package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestPki;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Devices over real TLS with {@code roost.tls.client-auth: optional}: a verified client certificate
 * must name the device that logs in (docs/protocol.md §2); without one the secret is enough.
 */
class DeviceTlsTest {
    @TempDir
    static Path dir;

    private static TestPki ca;
    private static Path caFile;
    private static Map<String, String> tls;
    private static TestServer server;
    private static String[] device;
    private static String[] other;

    @BeforeAll
    static void start() {
        ca = TestPki.newCa("Roost Test CA");
        caFile = ca.writeCertificate(dir.resolve("ca.crt"));
        TestPki.Issued serverCert = ca.issueServer(dir, "server", "127.0.0.1", "localhost");
        tls = Map.of("tls.cert", serverCert.certificate().toString(), "tls.key", serverCert.privateKey().toString(),
                "tls.client-ca", caFile.toString());
        server = TestServer.startTls(with("tls.client-auth", "optional"), caFile, Optional.empty());
        device = server.registerDevice("tls-device");
        other = server.registerDevice("tls-other");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> values = new java.util.HashMap<>(tls);
        values.put(key, value);
        return values;
    }

    private static SSLContext presenting(TestPki.Issued certificate) {
        return TestPki.clientContext(caFile, Optional.of(certificate));
    }

    private static JsonNode authReply(TestDevice link, String id, String secret) {
        link.send("auth", "{\"device_id\":\"" + id + "\",\"secret\":\"" + secret + "\"}");
        return link.next(m -> m.path("type").asText().startsWith("auth"));
    }

    @Test
    void noClientCertificate_secretLoginStillWorks() {
        try (TestDevice link = TestDevice.connectTls(server.port(), TestPki.clientContext(caFile, Optional.empty()))) {
            assertThat(link.authenticate(device[0], device[1]).get("device_id").asText()).isEqualTo(device[0]);
        }
    }

    @Test
    void certificateWhoseCommonNameIsTheDeviceId_logsIn() {
        TestPki.Issued mine = ca.issueClient(dir, "cn-" + device[0], device[0]);
        try (TestDevice link = TestDevice.connectTls(server.port(), presenting(mine))) {
            assertThat(link.authenticate(device[0], device[1]).get("device_id").asText()).isEqualTo(device[0]);
        }
    }

    @Test
    void certificateWithTheDeviceIdAsDnsName_logsIn() {
        TestPki.Issued mine = ca.issueClient(dir, "san-" + device[0], "gateway-7", device[0]);
        try (TestDevice link = TestDevice.connectTls(server.port(), presenting(mine))) {
            assertThat(link.authenticate(device[0], device[1]).get("device_id").asText()).isEqualTo(device[0]);
        }
    }

    @Test
    void certificateNamingAnotherDevice_isRefusedAtAuth_withCertificateMismatch() {
        TestPki.Issued othersCert = ca.issueClient(dir, "cn-" + other[0], other[0]);
        try (TestDevice link = TestDevice.connectTls(server.port(), presenting(othersCert))) {
            JsonNode reply = authReply(link, device[0], device[1]);
            assertThat(reply.path("type").asText()).isEqualTo("auth_error");
            assertThat(reply.at("/body/code").asText()).isEqualTo("CERTIFICATE_MISMATCH");
            assertThat(link.awaitClose()).isEqualTo(new TestDevice.Closed(4003, "auth failed: CERTIFICATE_MISMATCH"));
        }
    }

    @Test
    void sessionToken_presentedWithAnotherDevicesCertificate_isRefused() {
        String token;
        try (TestDevice link = TestDevice.connectTls(server.port(), TestPki.clientContext(caFile, Optional.empty()))) {
            token = link.authenticate(device[0], device[1]).get("session_token").asText();
        }
        TestPki.Issued othersCert = ca.issueClient(dir, "token-" + other[0], other[0]);
        try (TestDevice link = TestDevice.connectTls(server.port(), presenting(othersCert))) {
            link.send("auth", "{\"session_token\":\"" + token + "\"}");
            JsonNode reply = link.next(m -> m.path("type").asText().startsWith("auth"));
            assertThat(reply.at("/body/code").asText()).isEqualTo("CERTIFICATE_MISMATCH");
        }
    }

    /** A JDK client presents only a certificate issued by a CA the server names; a foreign one is not sent. */
    @Test
    void required_withoutVerifiedCertificate_failsTheHandshake_withTheRightOne_logsIn() {
        TestPki.Issued operator = ca.issueClient(dir, "operator", "operator");
        try (TestServer strict = TestServer.startTls(with("tls.client-auth", "required"), caFile,
                Optional.of(operator))) {
            String[] strictDevice = strict.registerDevice("strict");
            assertThatThrownBy(() -> TestDevice.connectTls(strict.port(),
                    TestPki.clientContext(caFile, Optional.empty())).close())
                    .isInstanceOf(CompletionException.class);
            TestPki.Issued foreign = TestPki.newCa("Someone Else").issueClient(dir, "foreign", strictDevice[0]);
            assertThatThrownBy(() -> TestDevice.connectTls(strict.port(), presenting(foreign)).close())
                    .isInstanceOf(CompletionException.class);
            TestPki.Issued mine = ca.issueClient(dir, "strict-" + strictDevice[0], strictDevice[0]);
            try (TestDevice link = TestDevice.connectTls(strict.port(), presenting(mine))) {
                assertThat(link.authenticate(strictDevice[0], strictDevice[1]).get("device_id").asText())
                        .isEqualTo(strictDevice[0]);
            }
        }
    }
}
