package dev.roost.protocol;

/** The typed body of one message type. */
public sealed interface Body permits Messages.Auth, Messages.AuthOk, Messages.AuthError, Messages.Ping,
        Messages.Pong, Messages.Status, Messages.StatusAck, Messages.ResyncRequired, Messages.Desired,
        Messages.DesiredApplied, Messages.Command, Messages.CommandAck, Messages.CommandResult,
        Messages.CommandResultAck, Messages.RebootConfirm, Messages.CommandCancel, Messages.Error {

    /** @throws ProtocolException MISSING_FIELD or INVALID_FIELD naming the field */
    default void validate() {
    }

    static void require(boolean condition, String field) {
        if (!condition) {
            throw new ProtocolException(ProtocolErrorCode.MISSING_FIELD, "body." + field + " is required");
        }
    }

    static void check(boolean condition, String field, String problem) {
        if (!condition) {
            throw new ProtocolException(ProtocolErrorCode.INVALID_FIELD, "body." + field + " " + problem);
        }
    }

    static boolean present(String value) {
        return value != null && !value.isEmpty();
    }
}
