package dev.roost.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.proto.v1.DesiredState;
import dev.roost.proto.v1.DeviceStatus;

/** Views of reported status and desired state. */
public final class StatusViews {
    private StatusViews() {
    }

    public record StatusView(String deviceId, boolean online, long reportedVersion, String reportedAt,
                             String lastSeenAt, JsonNode reported) {
    }

    /** {@code errors}: what the device could not apply of {@code appliedVersion}, key to reason. */
    public record DesiredView(String deviceId, long version, long appliedVersion, String updatedAt,
                              JsonNode desired, JsonNode errors) {
    }

    public static StatusView status(DeviceStatus status) {
        return new StatusView(status.getDeviceId(), status.getOnline(), status.getReportedVersion(),
                Values.time(status.getReportedAtMs()), Values.time(status.getLastSeenAtMs()),
                Values.json(status.getReportedJson()));
    }

    public static DesiredView desired(DesiredState desired) {
        return new DesiredView(desired.getDeviceId(), desired.getVersion(), desired.getAppliedVersion(),
                Values.time(desired.getUpdatedAtMs()), Values.json(desired.getDesiredJson()),
                Values.json(desired.getErrorsJson()));
    }
}
