package dev.roost.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The bodies of every message of protocol v1, as docs/protocol.md §4 defines them. */
public final class Messages {
    private Messages() {
    }

    /** A device's hardware identity. */
    public record Hardware(String serial, String model) {
    }

    /** uplink {@code auth}: exactly one credential form. */
    public record Auth(String deviceId, Hardware hardware, String secret, String sessionToken, String agentVersion)
            implements Body {
        public static Auth withSecret(String deviceId, String secret) {
            return new Auth(deviceId, null, secret, null, null);
        }

        public static Auth withHardware(String serial, String model, String secret) {
            return new Auth(null, new Hardware(serial, model), secret, null, null);
        }

        public static Auth withToken(String sessionToken) {
            return new Auth(null, null, null, sessionToken, null);
        }

        @Override
        public void validate() {
            if (Body.present(sessionToken)) {
                return;
            }
            Body.require(Body.present(secret), "secret");
            Body.require(Body.present(deviceId) || hardware != null, "device_id");
            if (hardware != null) {
                Body.require(Body.present(hardware.serial()), "hardware.serial");
                Body.require(Body.present(hardware.model()), "hardware.model");
            }
        }
    }

    /** downlink {@code auth_ok}. */
    public record AuthOk(String deviceId, long serverTime, long heartbeatIntervalMs, String sessionToken,
                         long sessionTokenExpiresAt, long reportedVersion, long desiredVersion, int queuedCommands)
            implements Body {
    }

    /** downlink {@code auth_error}. */
    public record AuthError(String code, String message, long retryAfterMs) implements Body {
        public static final String INVALID_CREDENTIALS = "INVALID_CREDENTIALS";
        public static final String TOKEN_EXPIRED = "TOKEN_EXPIRED";
        public static final String DEVICE_DISABLED = "DEVICE_DISABLED";
        public static final String DEVICE_DECOMMISSIONED = "DEVICE_DECOMMISSIONED";
        public static final String RATE_LIMITED = "RATE_LIMITED";
        public static final String BAD_REQUEST = "BAD_REQUEST";
        /** The connection's TLS client certificate names another device than the credentials. */
        public static final String CERTIFICATE_MISMATCH = "CERTIFICATE_MISMATCH";
    }

    /** {@code ping}, either direction. */
    public record Ping() implements Body {
    }

    /** {@code pong}, the reply to a ping. */
    public record Pong() implements Body {
    }

    /** uplink {@code status}: a snapshot or a merge patch against {@code baseVersion}. */
    public record Status(String mode, long baseVersion, ObjectNode state) implements Body {
        public static final String SNAPSHOT = "snapshot";
        public static final String DIFF = "diff";
        /** The longest {@code state.boot_id} the server stores. */
        public static final int MAX_BOOT_ID = 64;

        public static Status snapshot(ObjectNode state) {
            return new Status(SNAPSHOT, 0, state);
        }

        public static Status diff(long baseVersion, ObjectNode patch) {
            return new Status(DIFF, baseVersion, patch);
        }

        @JsonIgnore
        public boolean isDiff() {
            return DIFF.equals(mode);
        }

        @Override
        public void validate() {
            Body.require(mode != null, "mode");
            Body.check(SNAPSHOT.equals(mode) || DIFF.equals(mode), "mode", "must be snapshot or diff");
            Body.require(state != null, "state");
            // 0 is a valid base (the device holds no acked version): the server answers resync_required.
            Body.check(baseVersion >= 0, "base_version", "must not be negative");
            JsonNode bootId = state.get("boot_id");
            Body.check(bootId == null || bootId.isNull() || bootId.isTextual() && bootId.textValue().length() <= MAX_BOOT_ID,
                    "state.boot_id", "must be a string of at most " + MAX_BOOT_ID + " characters");
        }
    }

    /** downlink {@code status_ack}. */
    public record StatusAck(long version) implements Body {
        @Override
        public void validate() {
            Body.check(version > 0, "version", "must be > 0");
        }
    }

    /** downlink {@code resync_required}. */
    public record ResyncRequired(long reportedVersion, String reason) implements Body {
    }

    /** downlink {@code desired}. */
    public record Desired(long version, String mode, long baseVersion, ObjectNode state) implements Body {
        public static final String FULL = "full";
        public static final String PATCH = "patch";

        @Override
        public void validate() {
            Body.check(version > 0, "version", "must be > 0");
            Body.check(FULL.equals(mode) || PATCH.equals(mode), "mode", "must be full or patch");
            Body.require(state != null, "state");
        }
    }

    /** uplink {@code desired_applied}. */
    public record DesiredApplied(long version, ObjectNode applied, ObjectNode errors) implements Body {
        @Override
        public void validate() {
            Body.check(version >= 0, "version", "must be >= 0");
        }
    }

    /** downlink {@code command}. */
    public record Command(String commandId, String name, ObjectNode params, long timeoutMs) implements Body {
        @Override
        public void validate() {
            Body.require(Body.present(commandId), "command_id");
            Body.require(Body.present(name), "name");
        }
    }

    /** uplink {@code command_ack}. */
    public record CommandAck(String commandId) implements Body {
        @Override
        public void validate() {
            Body.require(Body.present(commandId), "command_id");
        }
    }

    /** uplink {@code command_result}. */
    public record CommandResult(String commandId, String status, int code, JsonNode result, String message)
            implements Body {
        public static final String SUCCEEDED = "succeeded";
        public static final String FAILED = "failed";

        @JsonIgnore
        public boolean succeeded() {
            return SUCCEEDED.equals(status);
        }

        @Override
        public void validate() {
            Body.require(Body.present(commandId), "command_id");
            Body.require(status != null, "status");
            Body.check(SUCCEEDED.equals(status) || FAILED.equals(status), "status", "must be succeeded or failed");
        }
    }

    /**
     * downlink {@code command_result_ack}, the reply to a {@code command_result}: the result is stored
     * (or was already); the device may forget it.
     */
    public record CommandResultAck(String commandId) implements Body {
        @Override
        public void validate() {
            Body.require(Body.present(commandId), "command_id");
        }
    }

    /** downlink {@code reboot_confirm}. */
    public record RebootConfirm(String commandId) implements Body {
        @Override
        public void validate() {
            Body.require(Body.present(commandId), "command_id");
        }
    }

    /** downlink {@code command_cancel}. */
    public record CommandCancel(String commandId) implements Body {
        @Override
        public void validate() {
            Body.require(Body.present(commandId), "command_id");
        }
    }

    /** {@code error}, either direction. */
    public record Error(String code, String message) implements Body {
        @Override
        public void validate() {
            Body.require(Body.present(code), "code");
        }
    }
}
