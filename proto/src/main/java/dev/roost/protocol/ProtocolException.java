package dev.roost.protocol;

import java.util.Optional;

/** A message that breaks the protocol; carries the error code and, when known, the message id. */
public final class ProtocolException extends RuntimeException {
    private final ProtocolErrorCode code;
    private final String messageId;
    private final MessageType messageType;

    public ProtocolException(ProtocolErrorCode code, String message, String messageId) {
        this(code, message, messageId, null);
    }

    private ProtocolException(ProtocolErrorCode code, String message, String messageId, MessageType messageType) {
        super(message, null, false, false);
        this.code = code;
        this.messageId = messageId;
        this.messageType = messageType;
    }

    public ProtocolException(ProtocolErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolErrorCode code() {
        return code;
    }

    /** The id of the offending message, when it had a readable one. */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /** The type of the offending message, when its envelope named a known one. */
    public Optional<MessageType> messageType() {
        return Optional.ofNullable(messageType);
    }

    public ProtocolException withMessageId(String id) {
        return new ProtocolException(code, getMessage(), id, messageType);
    }

    public ProtocolException withMessageType(MessageType type) {
        return new ProtocolException(code, getMessage(), messageId, type);
    }
}
