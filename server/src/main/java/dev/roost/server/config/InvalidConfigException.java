package dev.roost.server.config;

/** A configuration value is missing or malformed; the message names the key. Start-up stops. */
public final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
        super(message);
    }
}
