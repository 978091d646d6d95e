package dev.roost.protocol;

import java.util.Optional;

/** A message that breaks the protocol; carries the error code and, when known, the message id. */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final String messageId;

    public ProtocolException(ErrorCode code, String message, String messageId) {
        super(message, null, false, false);
        this.code = code;
        this.messageId = messageId;
    }

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The id of the offending message, when it had a readable one. */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    public ProtocolException withMessageId(String id) {
        return new ProtocolException(code, getMessage(), id);
    }
}
