package dev.roost.protocol;

/**
 * Codes of the device protocol's {@code error} messages (docs/protocol.md §4), sent as their names.
 * Not the server's {@code ErrorCode}, which is the operator API's error table.
 */
public enum ProtocolErrorCode {
    BAD_FRAME,
    BAD_ENVELOPE,
    UNKNOWN_TYPE,
    MISSING_FIELD,
    INVALID_FIELD,
    NOT_AUTHENTICATED,
    /** A known type that is not valid here: auth twice, or a downlink-only type sent uplink. */
    UNEXPECTED_MESSAGE,
    UNKNOWN_COMMAND,
    RATE_LIMITED,
    INTERNAL
}
