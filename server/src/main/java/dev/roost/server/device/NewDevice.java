package dev.roost.server.device;

import dev.roost.server.common.Validation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a caller gives to register a device. {@code secret} is generated when absent. */
public record NewDevice(String name,
                        String type,
                        Hardware hardware,
                        String softwareVersion,
                        Optional<Instant> softwareUpdatedAt,
                        List<NetworkInterface> networkInterfaces,
                        String description,
                        Map<String, String> labels,
                        Optional<String> secret) {

    /** A copy with every field checked and normalised; errors name the field. */
    public NewDevice validated() {
        return new NewDevice(Validation.required("name", name, 128),
                Validation.optional("type", type, 64),
                Hardware.validated("hardware", hardware),
                Validation.optional("software_version", softwareVersion, 64),
                softwareUpdatedAt == null ? Optional.empty() : softwareUpdatedAt,
                NetworkInterface.validated("network_interfaces", networkInterfaces),
                Validation.optional("description", description, 1024),
                Validation.labels("labels", labels),
                secret == null ? Optional.empty() : secret.filter(s -> !s.isEmpty())
                        .map(s -> Validation.secret("secret", s)));
    }
}
