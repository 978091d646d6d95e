package dev.roost.protocol;

/** Codes of {@code error} messages (docs/protocol.md §4). */
public enum ErrorCode {
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
