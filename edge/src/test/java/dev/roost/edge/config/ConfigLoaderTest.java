package dev.roost.edge.config;

import dev.roost.edge.agent.AgentCommand;
import dev.roost.server.support.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Files.writeString(dir.resolve("secret"), "top-secret\n");
        return Files.writeString(dir.resolve("edge.yaml"), text.replace("SECRET", dir.resolve("secret").toString()));
    }

    @Test
    void yamlEnvironmentAndOverrides_combine_laterSourcesWin() throws Exception {
        Path file = yaml("""
                server-url: ws://10.0.0.1:9090/ws
                device-id: "17"
                secret-file: SECRET
                report-interval: PT10S
                backoff:
                  base: PT2S
                scripts:
                  disk-report: /usr/local/bin/disk-report
                handlers:
                  blink: /usr/bin/blink --fast
                sftp:
                  host: logs.example
                  user: edge
                  password: pw
                  host-key-fingerprint: SHA256:abc
                """);
        AgentConfig config = ConfigLoader.load(Optional.of(file),
                Map.of("ROOST_EDGE_REPORT_INTERVAL", "PT20S", "ROOST_EDGE_BACKOFF_CAP", "PT1M"),
                Map.of("report-interval", "PT5S"));
        assertThat(config.serverUrls()).containsExactly(URI.create("ws://10.0.0.1:9090/ws"));
        assertThat(config.secret()).isEqualTo("top-secret");
        assertThat(config.reportInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.backoff().base()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.backoff().cap()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.scripts()).containsEntry("disk-report", Path.of("/usr/local/bin/disk-report"));
        assertThat(config.handlers().get("blink")).containsExactly("/usr/bin/blink", "--fast");
        assertThat(config.sftp()).get().satisfies(s -> assertThat(s.port()).isEqualTo(22));
        assertThat(RedactedConfig.of(config).toString()).doesNotContain("top-secret").doesNotContain("\"pw\"");
    }

    @Test
    void invalidValues_andUnknownKeys_nameTheKey() throws Exception {
        Path file = yaml("server-url: ws://h:1/ws\ndevice-id: \"1\"\nsecret-file: SECRET\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of("report-interval", "30s")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("report-interval:");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of("backoff.bse", "PT1S")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("backoff.bse: unknown key");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of("server-url", "http://h/ws")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("server-url:");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of("sftp.host", "h")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("sftp.host-key-fingerprint:");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("server-url", "ws://h/ws")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("device-id:");
    }

    @Test
    void agentCommand_withInvalidConfig_exitsWith2_andNamesTheKey() throws Exception {
        Path file = yaml("server-url: ws://h:1/ws\ndevice-id: \"1\"\nsecret-file: SECRET\nbackoff:\n  multiplier: 0.5\n");
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new AgentCommand()).setErr(new PrintWriter(err));
        int exit = commandLine.execute("--config", file.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("backoff.multiplier");
    }

    @Test
    void tlsSettingsBesideAPlainWsUrl_areRefused_namingTheKey() throws Exception {
        Path file = yaml("server-url: ws://h:1/ws\ndevice-id: \"1\"\nsecret-file: SECRET\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of("tls.ca-file", "/etc/hosts")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tls.ca-file: needs a wss:// server-url; server-url is ws://h:1/ws, which is not "
                        + "encrypted");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file),
                Map.of(ConfigLoader.envName("tls.client-key"), "/etc/hosts"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.client-key: needs a wss:// server-url");
    }

    @Test
    void wssSettings_incompleteOrUnreadable_nameTheKey() throws Exception {
        Path file = yaml("server-url: wss://h:1/ws\ndevice-id: \"1\"\nsecret-file: SECRET\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(),
                Map.of("tls.client-cert", "/etc/hosts")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tls.client-key: is required when tls.client-cert is set");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of("tls.ca-file", "/etc/hosts")))
                .isInstanceOf(ConfigException.class).hasMessage("tls.ca-file: /etc/hosts holds no PEM certificate");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(),
                Map.of("tls.ca-file", dir.resolve("missing.crt").toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tls.ca-file: cannot read ");
    }

    @Test
    void wssWithClientCertificate_getConfigShowsThePaths_neverTheKey() throws Exception {
        TestPki ca = TestPki.newCa("Config CA");
        Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
        TestPki.Issued client = ca.issueClient(dir, "client", "1");
        Path file = yaml("server-url: wss://h:1/ws\ndevice-id: \"1\"\nsecret-file: SECRET\ntls:\n  ca-file: " + caFile
                + "\n  client-cert: " + client.certificate() + "\n  client-key: " + client.privateKey() + "\n");
        AgentConfig config = ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
        assertThat(config.tls()).get().satisfies(tls -> assertThat(tls.files().caFile()).contains(caFile));
        String shown = RedactedConfig.of(config).toString();
        assertThat(shown).contains("\"client-key\":\"" + client.privateKey() + "\"")
                .contains("\"ca-file\":\"" + caFile + "\"").doesNotContain("PRIVATE KEY");
    }

    @Test
    void serverUrls_fromAYamlListOrACommaSeparatedValue_keepTheirOrder_andALaterSourceReplacesThem() throws Exception {
        Path file = yaml("server-urls:\n  - ws://a:9090/ws\n  - ws://b:9090/ws\ndevice-id: \"1\"\nsecret-file: SECRET\n");
        AgentConfig fromFile = ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
        assertThat(fromFile.serverUrls()).containsExactly(URI.create("ws://a:9090/ws"), URI.create("ws://b:9090/ws"));
        assertThat(RedactedConfig.of(fromFile).get("server-urls").toString())
                .isEqualTo("[\"ws://a:9090/ws\",\"ws://b:9090/ws\"]");

        AgentConfig fromEnvironment = ConfigLoader.load(Optional.of(file),
                Map.of("ROOST_EDGE_SERVER_URLS", "ws://c:1/ws, ws://d:1/ws"), Map.of());
        assertThat(fromEnvironment.serverUrls()).containsExactly(URI.create("ws://c:1/ws"), URI.create("ws://d:1/ws"));

        AgentConfig oneOnTheCommandLine = ConfigLoader.load(Optional.of(file), Map.of(),
                Map.of("server-url", "ws://e:1/ws"));
        assertThat(oneOnTheCommandLine.serverUrls()).containsExactly(URI.create("ws://e:1/ws"));
        assertThat(RedactedConfig.of(oneOnTheCommandLine).get("server-url").asText()).isEqualTo("ws://e:1/ws");
    }

    @Test
    void serverUrls_bothKeysInOneSource_mixedSchemes_orARepeat_areRefused() throws Exception {
        Path both = yaml("server-url: ws://a:1/ws\nserver-urls: [ws://b:1/ws]\ndevice-id: \"1\"\nsecret-file: SECRET\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(both), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("server-urls: and server-url are both set; set one");
        Path file = yaml("device-id: \"1\"\nsecret-file: SECRET\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(),
                Map.of("server-urls", "ws://a:1/ws,wss://b:1/ws")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("server-urls: must all be ws:// or all wss://");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(),
                Map.of("server-urls", "ws://a:1/ws,ws://a:1/ws")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("server-urls: lists a URL twice");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of("server-urls", "ws://a:1/ws,http://b/")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("server-urls: must be a ws:// or wss:// URL");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("server-url: is required (or server-urls)");
    }

    @Test
    void agentCommand_repeatedServerUrl_becomesTheFailoverList() throws Exception {
        Path file = yaml("server-url: ws://h:1/ws\ndevice-id: \"1\"\nsecret-file: SECRET\n");
        StringWriter err = new StringWriter();
        // Mixed schemes stop the agent before it connects: the error shows that both options, not the
        // file's server-url, made up the list.
        int exit = new CommandLine(new AgentCommand()).setErr(new PrintWriter(err)).execute("--config", file.toString(),
                "--server-url", "ws://a:1/ws", "--server-url", "wss://b:1/ws");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("server-urls: must all be ws:// or all wss://");
    }
}
