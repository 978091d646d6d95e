package dev.roost.bench;

import dev.roost.proto.v1.Hardware;
import dev.roost.proto.v1.NetworkInterface;
import dev.roost.proto.v1.RegisterDeviceRequest;

import java.util.List;
import java.util.Map;

/**
 * What bench device {@code i} looks like when registered. Device {@code i} always gets the same
 * hardware identity (so registering it twice is refused with ALREADY_EXISTS) and the same labels:
 * {@code site} (one of {@value #SITES}, spread evenly), {@code tier} (gold, silver, bronze) and
 * {@code ring} (1% canary).
 */
final class BenchDevices {
    /** Every bench device's hardware model starts with this, which tells them from other devices. */
    static final String MODEL_PREFIX = "RB-";
    static final int SITES = 20;
    private static final List<String> TIERS = List.of("gold", "silver", "bronze");
    private static final List<String> TYPES = List.of("gateway", "sensor-hub", "camera", "controller");

    private BenchDevices() {
    }

    static RegisterDeviceRequest registration(int index) {
        return RegisterDeviceRequest.newBuilder()
                .setName("bench-%07d".formatted(index))
                .setType(TYPES.get(index % TYPES.size()))
                .setHardware(Hardware.newBuilder()
                        .setSerial("SN-%07d".formatted(index))
                        .setModel(MODEL_PREFIX + "EDGE-" + (index % 4 + 1)))
                .setSoftwareVersion("2.%d.%d".formatted(index % 7, index % 3))
                .addNetworkInterfaces(NetworkInterface.newBuilder()
                        .setType("ethernet")
                        .setMac(mac(index))
                        .setIpv4("10.%d.%d.%d".formatted(index >> 16 & 255, index >> 8 & 255, index & 255)))
                .setDescription("roost-bench device " + index)
                .putAllLabels(labels(index))
                .build();
    }

    static Map<String, String> labels(int index) {
        return Map.of("site", site(index % SITES),
                "tier", TIERS.get(index % TIERS.size()),
                "ring", index % 100 == 0 ? "canary" : "stable");
    }

    static String site(int number) {
        return "site-%02d".formatted(number);
    }

    private static String mac(int index) {
        return "02:00:%02x:%02x:%02x:%02x".formatted(index >> 24 & 255, index >> 16 & 255, index >> 8 & 255,
                index & 255);
    }
}
