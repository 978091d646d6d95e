package dev.roost.edge.agent;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The agent's version as reported in {@code auth} and status, and the git commit it was built from;
 * both come from {@code version.properties}, filled in by the build ("unknown" when it was not).
 */
public final class AgentVersion {
    public static final String VALUE;
    public static final String COMMIT;

    static {
        Properties built = new Properties();
        try (InputStream in = AgentVersion.class.getResourceAsStream("/dev/roost/edge/version.properties")) {
            if (in != null) {
                built.load(in);
            }
        } catch (IOException e) {
            // Stays empty: the values below fall back to "unknown".
        }
        VALUE = filled(built.getProperty("version"));
        COMMIT = filled(built.getProperty("commit"));
    }

    private AgentVersion() {
    }

    private static String filled(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }

    /** {@code roost-edge --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"roost-edge " + VALUE + " (commit " + COMMIT + ")"};
        }
    }
}
