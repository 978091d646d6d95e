package dev.roost.edge.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The effective configuration as JSON for {@code get_config}: secrets appear only as "***". */
public final class RedactedConfig {
    private static final String REDACTED = "***";

    private RedactedConfig() {
    }

    public static ObjectNode of(AgentConfig config) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (config.serverUrls().size() == 1) {
            json.put("server-url", config.serverUrls().getFirst().toString());
        } else {
            config.serverUrls().forEach(url -> json.withArray("server-urls").add(url.toString()));
        }
        config.tls().ifPresent(tls -> {
            // Paths only: the key file's content never leaves the device.
            ObjectNode node = json.putObject("tls");
            tls.files().caFile().ifPresent(ca -> node.put("ca-file", ca.toString()));
            tls.files().clientCertificate().ifPresent(cert -> node.put("client-cert", cert.toString()));
            tls.files().clientKey().ifPresent(key -> node.put("client-key", key.toString()));
        });
        config.deviceId().ifPresent(id -> json.put("device-id", id));
        config.hardware().ifPresent(hw -> json.putObject("hardware").put("serial", hw.serial()).put("model", hw.model()));
        json.put("secret-file", config.secretFile().toString());
        json.put("secret", REDACTED);
        json.put("report-interval", config.reportInterval().toString());
        json.put("state-dir", config.stateDir().toString());
        json.put("connect-timeout", config.connectTimeout().toString());
        json.put("tick", config.tick().toString());
        config.sourceAddress().ifPresent(a -> json.put("source-address", a.getHostAddress()));
        json.putObject("log")
                .put("dir", config.log().dir().toString())
                .put("max-file-bytes", config.log().maxFileBytes())
                .put("rotate-every", config.log().rotateEvery().toString())
                .put("max-files", config.log().maxFiles())
                .put("retention", config.log().retention().toString())
                .put("level", config.log().level());
        json.putObject("backoff")
                .put("base", config.backoff().base().toString())
                .put("multiplier", config.backoff().multiplier())
                .put("cap", config.backoff().cap().toString())
                .put("healthy-after", config.backoff().healthyAfter().toString())
                .put("max-attempts", config.backoff().maxAttempts());
        config.sftp().ifPresent(sftp -> {
            ObjectNode node = json.putObject("sftp").put("host", sftp.host()).put("port", sftp.port())
                    .put("user", sftp.user()).put("host-key-fingerprint", sftp.hostKeyFingerprint())
                    .put("timeout", sftp.timeout().toString());
            sftp.privateKeyFile().ifPresent(k -> node.put("private-key-file", k.toString()));
            sftp.password().ifPresent(p -> node.put("password", REDACTED));
        });
        ObjectNode scripts = json.putObject("scripts");
        config.scripts().forEach((name, path) -> scripts.put(name, path.toString()));
        ObjectNode handlers = json.putObject("handlers");
        config.handlers().forEach((name, line) -> handlers.put(name, String.join(" ", line)));
        ObjectNode desiredHandlers = json.putObject("desired-handlers");
        config.desiredHandlers().forEach((key, line) -> desiredHandlers.put(key, String.join(" ", line)));
        json.putObject("reboot").put("command", config.reboot().isEmpty() ? "none" : String.join(" ", config.reboot()));
        json.putObject("exec").put("built-in-scripts", config.builtInScripts())
                .put("max-output-bytes", config.maxOutputBytes())
                .put("default-timeout", config.commandTimeout().toString());
        return json;
    }
}
