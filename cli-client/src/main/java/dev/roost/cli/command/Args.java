package dev.roost.cli.command;

import dev.roost.cli.CliException;
import dev.roost.cli.ExitCodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Checks of arguments that picocli cannot express; a failure is a usage error (exit 2). */
final class Args {
    private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,18}");

    private Args() {
    }

    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    /** A decimal id as the API writes them. */
    static String id(String what, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw usage(what + " must be a decimal id such as 384141731668426752, was '" + value + "'");
        }
        return value;
    }

    /** {@code --labels} pairs; picocli already refused entries without '='. */
    static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        for (String key : labels.keySet()) {
            if (key.isBlank()) {
                throw usage("--labels: every entry needs a key, as in site=lab");
            }
        }
        return new TreeMap<>(labels);
    }

    /** Writes a secret to a new file readable by its owner only. */
    static void saveSecret(Path file, String secret) {
        try {
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, secret + System.lineSeparator());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot write the secret to " + file + ": " + e.getMessage());
        }
    }
}
