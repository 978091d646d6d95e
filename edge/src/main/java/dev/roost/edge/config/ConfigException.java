package dev.roost.edge.config;

/** The configuration is invalid; the message names the key. The agent exits with 2. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem, null, false, false);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
