package dev.roost.server.device;

import dev.roost.server.common.Validation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Mutable fields of a device; each present field replaces the stored one, absent ones stay. */
public record DeviceUpdate(Optional<String> name,
                           Optional<String> type,
                           Optional<String> softwareVersion,
                           Optional<Instant> softwareUpdatedAt,
                           Optional<List<NetworkInterface>> networkInterfaces,
                           Optional<String> description,
                           Optional<Map<String, String>> labels) {

    public DeviceUpdate validated() {
        return new DeviceUpdate(
                name.map(n -> Validation.required("name", n, 128)),
                type.map(t -> Validation.optional("type", t, 64)),
                softwareVersion.map(v -> Validation.optional("software_version", v, 64)),
                softwareUpdatedAt,
                networkInterfaces.map(n -> NetworkInterface.validated("network_interfaces", n)),
                description.map(d -> Validation.optional("description", d, 1024)),
                labels.map(l -> Validation.labels("labels", l)));
    }

    /** The device with this update applied. */
    public Device applyTo(Device device, Instant now) {
        return new Device(device.id(), name.orElse(device.name()), type.orElse(device.type()), device.hardware(),
                softwareVersion.orElse(device.softwareVersion()),
                softwareUpdatedAt.isPresent() ? softwareUpdatedAt : device.softwareUpdatedAt(),
                networkInterfaces.orElse(device.networkInterfaces()), description.orElse(device.description()),
                labels.orElse(device.labels()), device.state(), device.createdAt(), now, device.lastSeenAt());
    }
}
