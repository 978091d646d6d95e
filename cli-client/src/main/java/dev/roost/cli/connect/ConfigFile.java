package dev.roost.cli.connect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.roost.cli.CliException;
import dev.roost.cli.ExitCodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The CLI's config file (YAML, kebab-case keys), like kubectl's: named contexts and the current one.
 * <pre>
 * current-context: lab
 * contexts:
 *   lab:
 *     server: localhost:9090
 *     token: rst_...
 * </pre>
 * It holds tokens, so it is written readable by its owner only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigFile(String currentContext, Map<String, ContextEntry> contexts) {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ConfigFile {
        contexts = contexts == null ? Map.of() : Map.copyOf(contexts);
    }

    public static ConfigFile empty() {
        return new ConfigFile(null, Map.of());
    }

    /** The file's content, or an empty config when the file does not exist. */
    public static ConfigFile load(Path file) {
        if (!Files.exists(file)) {
            return empty();
        }
        try {
            ConfigFile config = YAML.readValue(file.toFile(), ConfigFile.class);
            return config == null ? empty() : config;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read the config file " + file + ": "
                    + firstLine(e.getMessage()));
        }
    }

    public void save(Path file) {
        try {
            Path folder = file.toAbsolutePath().getParent();
            Files.createDirectories(folder);
            Path temporary = Files.createTempFile(folder, ".config", ".yaml");
            try {
                setOwnerOnly(temporary);
                YAML.writeValue(temporary.toFile(), this);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot write the config file " + file + ": " + e.getMessage());
        }
    }

    public Optional<ContextEntry> context(String name) {
        return Optional.ofNullable(contexts.get(name));
    }

    public Optional<String> current() {
        return Optional.ofNullable(currentContext).filter(name -> !name.isBlank());
    }

    public ConfigFile withContext(String name, ContextEntry entry) {
        Map<String, ContextEntry> changed = new TreeMap<>(contexts);
        changed.put(name, entry);
        return new ConfigFile(currentContext, changed);
    }

    public ConfigFile withoutContext(String name) {
        Map<String, ContextEntry> changed = new TreeMap<>(contexts);
        changed.remove(name);
        return new ConfigFile(name.equals(currentContext) ? null : currentContext, changed);
    }

    public ConfigFile withCurrent(String name) {
        return new ConfigFile(name, contexts);
    }

    private static void setOwnerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the user's profile folder is private already.
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
