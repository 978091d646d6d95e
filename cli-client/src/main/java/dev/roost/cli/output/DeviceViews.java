package dev.roost.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.proto.v1.Device;
import dev.roost.proto.v1.DeviceEvent;
import dev.roost.proto.v1.NetworkInterface;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Views of devices and device events. */
public final class DeviceViews {
    private DeviceViews() {
    }

    public record DeviceView(String id, String name, String type, String state, HardwareView hardware,
                             String softwareVersion, String softwareUpdatedAt, List<NicView> networkInterfaces,
                             String description, Map<String, String> labels, String createdAt, String updatedAt,
                             String lastSeenAt) {
    }

    public record HardwareView(String serial, String model) {
    }

    public record NicView(String type, String mac, String ipv4) {
    }

    /** A registration's answer; the secret is shown only here. */
    public record RegisteredView(DeviceView device, String secret) {
    }

    public record SecretView(String deviceId, String secret) {
    }

    public record EventView(String id, String deviceId, String at, String type, String actor, String fromState,
                            String toState, String reason, JsonNode detail) {
    }

    public static DeviceView device(Device device) {
        return new DeviceView(device.getId(), device.getName(), Values.text(device.getType()),
                Values.name(device.getState()),
                new HardwareView(device.getHardware().getSerial(), device.getHardware().getModel()),
                Values.text(device.getSoftwareVersion()), Values.time(device.getSoftwareUpdatedAtMs()),
                device.getNetworkInterfacesList().stream().map(DeviceViews::nic).toList(),
                Values.text(device.getDescription()), new TreeMap<>(device.getLabelsMap()),
                Values.time(device.getCreatedAtMs()), Values.time(device.getUpdatedAtMs()),
                Values.time(device.getLastSeenAtMs()));
    }

    static NicView nic(NetworkInterface nic) {
        return new NicView(nic.getType(), nic.getMac(), Values.text(nic.getIpv4()));
    }

    public static EventView event(DeviceEvent event) {
        return new EventView(event.getId(), event.getDeviceId(), Values.time(event.getAtMs()), event.getType(),
                Values.text(event.getActor()), Values.name(event.getFromState()), Values.name(event.getToState()),
                Values.text(event.getReason()), Values.json(event.getDetailJson()));
    }
}
