package dev.roost.edge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.roost.edge.command.CommandLineReboot;
import dev.roost.edge.command.SftpTarget;
import dev.roost.edge.link.BackoffSettings;
import dev.roost.edge.link.ClientTls;
import dev.roost.edge.logging.LogSettings;
import dev.roost.protocol.Messages;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the {@link AgentConfig} from a YAML file, then environment variables
 * ({@code ROOST_EDGE_} + the key in upper case with {@code .} and {@code -} as {@code _}), then
 * command-line {@code key=value} overrides — later sources win.
 */
public final class ConfigLoader {
    /** Keys that environment variables and {@code --set} may override. */
    static final List<String> SCALAR_KEYS = List.of("server-url", "server-urls", "tls.ca-file", "tls.client-cert", "tls.client-key",
            "device-id", "hardware.serial", "hardware.model",
            "secret-file", "report-interval", "state-dir", "connect-timeout", "tick", "source-address",
            "log.dir", "log.max-file-bytes", "log.rotate-every", "log.max-files", "log.retention", "log.level",
            "backoff.base", "backoff.multiplier", "backoff.cap", "backoff.healthy-after", "backoff.max-attempts",
            "sftp.host", "sftp.port", "sftp.user", "sftp.private-key-file", "sftp.password",
            "sftp.host-key-fingerprint", "sftp.timeout", "reboot.command", "exec.max-output-bytes", "exec.built-in-scripts",
            "exec.default-timeout");
    /** {@code reboot.command: none} refuses reboots. */
    static final String NO_REBOOT = "none";
    static final String SERVER_URL = "server-url";
    static final String SERVER_URLS = "server-urls";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    public static AgentConfig load(Optional<Path> file, Map<String, String> environment,
                                   Map<String, String> overrides) {
        ObjectNode tree = file.map(ConfigLoader::readYaml).orElseGet(JsonNodeFactory.instance::objectNode);
        Map<String, String> fromEnvironment = new LinkedHashMap<>();
        for (String key : SCALAR_KEYS) {
            String value = environment.get(envName(key));
            if (value != null) {
                fromEnvironment.put(key, value);
            }
        }
        overlay(tree, fromEnvironment, "environment");
        overlay(tree, overrides, "overrides");
        return bind(new ConfigReader(tree));
    }

    public static String envName(String key) {
        return "ROOST_EDGE_" + key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    private static ObjectNode readYaml(Path file) {
        try {
            JsonNode tree = YAML.readTree(file.toFile());
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!tree.isObject()) {
                throw new ConfigException(file.toString(), "must be a YAML map of keys to values");
            }
            return (ObjectNode) tree;
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read: " + e.getMessage());
        }
    }

    /**
     * A later source that names the server replaces both server keys of the earlier ones: a
     * {@code --server-url} given on the command line wins over {@code server-urls} of the file.
     */
    private static void overlay(ObjectNode tree, Map<String, String> values, String source) {
        if (values.containsKey(SERVER_URL) && values.containsKey(SERVER_URLS)) {
            throw new ConfigException(SERVER_URLS, "and " + SERVER_URL + " are both set in the " + source
                    + "; set one");
        }
        if (values.containsKey(SERVER_URL) || values.containsKey(SERVER_URLS)) {
            tree.remove(SERVER_URL);
            tree.remove(SERVER_URLS);
        }
        values.forEach((key, value) -> put(tree, key, value));
    }

    private static void put(ObjectNode tree, String key, String value) {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode object ? object : node.putObject(parts[i]);
        }
        node.put(parts[parts.length - 1], value);
    }

    private static AgentConfig bind(ConfigReader config) {
        List<URI> serverUrls = serverUrls(config);
        Optional<ClientTls> tls = tls(config, serverUrls);
        Optional<String> deviceId = config.string("device-id");
        Optional<Messages.Hardware> hardware = Optional.empty();
        if (config.has("hardware")) {
            hardware = Optional.of(new Messages.Hardware(config.required("hardware.serial"),
                    config.required("hardware.model")));
        }
        if (deviceId.isEmpty() && hardware.isEmpty()) {
            throw new ConfigException("device-id", "is required (or hardware.serial and hardware.model)");
        }
        Path secretFile = Path.of(config.required("secret-file"));
        String secret = readSecret("secret-file", secretFile);
        Path stateDir = Path.of(config.string("state-dir").orElse("./roost-edge-state"));
        LogSettings log = new LogSettings(Path.of(config.string("log.dir").orElse(stateDir.resolve("logs").toString())),
                config.longIn("log.max-file-bytes", 5L * 1024 * 1024, 4096, Long.MAX_VALUE),
                config.duration("log.rotate-every", Duration.ofDays(1)),
                (int) config.longIn("log.max-files", 10, 1, 10_000),
                config.duration("log.retention", Duration.ofDays(7)),
                level(config.string("log.level").orElse("INFO")));
        BackoffSettings backoff;
        try {
            backoff = new BackoffSettings(config.duration("backoff.base", BackoffSettings.DEFAULT.base()),
                    config.doubleIn("backoff.multiplier", BackoffSettings.DEFAULT.multiplier(), 1.0, 100.0),
                    config.duration("backoff.cap", BackoffSettings.DEFAULT.cap()),
                    config.duration("backoff.healthy-after", BackoffSettings.DEFAULT.healthyAfter()),
                    (int) config.longIn("backoff.max-attempts", 0, 0, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("backoff", e.getMessage());
        }
        Optional<InetAddress> source = config.string("source-address").map(ConfigLoader::address);
        Map<String, Path> scripts = new LinkedHashMap<>();
        config.map("scripts").forEach((name, path) -> scripts.put(name, Path.of(path)));
        Map<String, List<String>> handlers = new LinkedHashMap<>();
        config.map("handlers").forEach((name, line) -> handlers.put(name, split(line)));
        Map<String, List<String>> desiredHandlers = new LinkedHashMap<>();
        config.map("desired-handlers").forEach((key, line) -> desiredHandlers.put(key, split(line)));
        List<String> reboot = config.string("reboot.command")
                .map(line -> NO_REBOOT.equals(line) ? List.<String>of() : split(line))
                .orElseGet(() -> CommandLineReboot.defaultCommand(System.getProperty("os.name", "")));
        AgentConfig agent = new AgentConfig(serverUrls, tls, deviceId, hardware, secretFile, secret,
                config.duration("report-interval", Duration.ofSeconds(30)), stateDir, log, backoff,
                config.duration("connect-timeout", Duration.ofSeconds(10)),
                config.duration("tick", Duration.ofMillis(200)), source, sftp(config), scripts,
                config.bool("exec.built-in-scripts", true), handlers, desiredHandlers, reboot,
                (int) config.longIn("exec.max-output-bytes", 64 * 1024, 1024, 16 * 1024 * 1024),
                config.duration("exec.default-timeout", Duration.ofMinutes(1)));
        config.refuseUnknown();
        return agent;
    }

    private static Optional<SftpTarget> sftp(ConfigReader config) {
        if (!config.has("sftp")) {
            return Optional.empty();
        }
        String fingerprint = config.required("sftp.host-key-fingerprint");
        if (!fingerprint.startsWith("SHA256:")) {
            throw new ConfigException("sftp.host-key-fingerprint", "must be SHA256:<base64>, as ssh-keygen -lf prints");
        }
        Optional<Path> key = config.string("sftp.private-key-file").map(Path::of);
        Optional<String> password = config.string("sftp.password");
        if (key.isEmpty() && password.isEmpty()) {
            throw new ConfigException("sftp.private-key-file", "or sftp.password is required");
        }
        key.ifPresent(k -> {
            if (!Files.isReadable(k)) {
                throw new ConfigException("sftp.private-key-file", "cannot read " + k);
            }
        });
        return Optional.of(new SftpTarget(config.required("sftp.host"), (int) config.longIn("sftp.port", 22, 1, 65535),
                config.required("sftp.user"), key, password, fingerprint,
                config.duration("sftp.timeout", Duration.ofSeconds(30))));
    }

    /** For wss:// only; TLS settings beside a ws:// URL are a mistake that would send the secret in clear. */
    private static Optional<ClientTls> tls(ConfigReader config, List<URI> serverUrls) {
        URI serverUrl = serverUrls.getFirst();
        Optional<Path> ca = config.string(ClientTls.CA_FILE).map(Path::of);
        Optional<Path> certificate = config.string(ClientTls.CLIENT_CERT).map(Path::of);
        Optional<Path> key = config.string(ClientTls.CLIENT_KEY).map(Path::of);
        if (!"wss".equals(serverUrl.getScheme())) {
            Optional<String> set = ca.map(p -> ClientTls.CA_FILE)
                    .or(() -> certificate.map(p -> ClientTls.CLIENT_CERT))
                    .or(() -> key.map(p -> ClientTls.CLIENT_KEY));
            if (set.isPresent()) {
                throw new ConfigException(set.get(), "needs a wss:// server-url; server-url is " + serverUrl
                        + ", which is not encrypted");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(ClientTls.create(new ClientTls.Files(ca, certificate, key)));
        } catch (ClientTls.InvalidSetting e) {
            throw new ConfigException(e.key(), e.getMessage());
        }
    }

    /** {@code server-url}, or {@code server-urls}: never both, all of one scheme (one TLS setting serves them all). */
    private static List<URI> serverUrls(ConfigReader config) {
        Optional<String> single = config.string(SERVER_URL);
        List<String> several = config.list(SERVER_URLS);
        if (single.isPresent() && !several.isEmpty()) {
            throw new ConfigException(SERVER_URLS, "and " + SERVER_URL + " are both set; set one");
        }
        if (single.isPresent()) {
            return List.of(serverUrl(SERVER_URL, single.get()));
        }
        if (several.isEmpty()) {
            throw new ConfigException(SERVER_URL, "is required (or " + SERVER_URLS + ")");
        }
        List<URI> urls = several.stream().map(text -> serverUrl(SERVER_URLS, text)).toList();
        for (URI url : urls) {
            if (!url.getScheme().equals(urls.getFirst().getScheme())) {
                throw new ConfigException(SERVER_URLS, "must all be ws:// or all wss://, was " + several);
            }
        }
        if (urls.stream().distinct().count() < urls.size()) {
            throw new ConfigException(SERVER_URLS, "lists a URL twice: " + several);
        }
        return urls;
    }

    private static URI serverUrl(String key, String text) {
        try {
            URI uri = URI.create(text);
            if (!("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(key, "must be a ws:// or wss:// URL such as wss://host:9090/ws, "
                        + "was '" + text + "'");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "is not a URL: " + e.getMessage());
        }
    }

    private static String readSecret(String key, Path file) {
        try {
            String secret = Files.readString(file).trim();
            if (secret.isEmpty()) {
                throw new ConfigException(key, file + " is empty");
            }
            return secret;
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read " + file);
        }
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new ConfigException("source-address", "unknown address '" + text + "'");
        }
    }

    private static String level(String name) {
        try {
            java.util.logging.Level.parse(name.toUpperCase());
            return name;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("log.level", "must be a level such as INFO or FINE, was '" + name + "'");
        }
    }

    private static List<String> split(String commandLine) {
        return Arrays.stream(commandLine.trim().split("\\s+")).toList();
    }
}
