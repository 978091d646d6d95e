package dev.roost.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The message types of protocol v1 with their wire names and body records. */
public enum MessageType {
    AUTH("auth", Messages.Auth.class),
    AUTH_OK("auth_ok", Messages.AuthOk.class),
    AUTH_ERROR("auth_error", Messages.AuthError.class),
    PING("ping", Messages.Ping.class),
    PONG("pong", Messages.Pong.class),
    STATUS("status", Messages.Status.class),
    STATUS_ACK("status_ack", Messages.StatusAck.class),
    RESYNC_REQUIRED("resync_required", Messages.ResyncRequired.class),
    DESIRED("desired", Messages.Desired.class),
    DESIRED_APPLIED("desired_applied", Messages.DesiredApplied.class),
    COMMAND("command", Messages.Command.class),
    COMMAND_ACK("command_ack", Messages.CommandAck.class),
    COMMAND_RESULT("command_result", Messages.CommandResult.class),
    COMMAND_RESULT_ACK("command_result_ack", Messages.CommandResultAck.class),
    REBOOT_CONFIRM("reboot_confirm", Messages.RebootConfirm.class),
    COMMAND_CANCEL("command_cancel", Messages.CommandCancel.class),
    ERROR("error", Messages.Error.class);

    private static final Map<String, MessageType> BY_WIRE_NAME = new HashMap<>();
    private static final Map<Class<?>, MessageType> BY_BODY = new HashMap<>();

    static {
        for (MessageType type : values()) {
            BY_WIRE_NAME.put(type.wireName, type);
            BY_BODY.put(type.bodyType, type);
        }
    }

    private final String wireName;
    private final Class<? extends Body> bodyType;

    MessageType(String wireName, Class<? extends Body> bodyType) {
        this.wireName = wireName;
        this.bodyType = bodyType;
    }

    public String wireName() {
        return wireName;
    }

    public Class<? extends Body> bodyType() {
        return bodyType;
    }

    public static Optional<MessageType> ofWireName(String name) {
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }

    public static MessageType of(Body body) {
        return BY_BODY.get(body.getClass());
    }
}
