package dev.roost.edge.link;

import dev.roost.protocol.Messages;

import java.util.Optional;

/**
 * How a device proves who it is: its id or its hardware identity, and its secret.
 * {@link #toString()} never shows the secret.
 */
public record Credentials(Optional<String> deviceId, Optional<Messages.Hardware> hardware, String secret) {
    public Credentials {
        if (deviceId.isEmpty() && hardware.isEmpty()) {
            throw new IllegalArgumentException("a device id or a hardware serial and model is required");
        }
    }

    public static Credentials ofDevice(String deviceId, String secret) {
        return new Credentials(Optional.of(deviceId), Optional.empty(), secret);
    }

    public static Credentials ofHardware(String serial, String model, String secret) {
        return new Credentials(Optional.empty(), Optional.of(new Messages.Hardware(serial, model)), secret);
    }

    Messages.Auth auth(String agentVersion) {
        return new Messages.Auth(deviceId.orElse(null), hardware.orElse(null), secret, null, agentVersion);
    }

    @Override
    public String toString() {
        return "Credentials[" + deviceId.map(id -> "device " + id)
                .orElseGet(() -> "hardware " + hardware.get().serial() + "/" + hardware.get().model()) + "]";
    }
}
