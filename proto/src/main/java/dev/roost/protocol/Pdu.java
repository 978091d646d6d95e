package dev.roost.protocol;

import java.util.Optional;

/**
 * One protocol message: the envelope of docs/protocol.md §2 with a typed body.
 *
 * @param id      unique per sender and connection
 * @param replyTo the id of the message this answers, if any
 * @param ts      sender's clock in epoch milliseconds; 0 when not sent
 * @param body    the type's fields; the type follows from the body's class
 */
public record Pdu(String id, Optional<String> replyTo, long ts, Body body) {

    public static Pdu of(String id, Body body) {
        return new Pdu(id, Optional.empty(), 0, body);
    }

    public static Pdu reply(String id, String replyTo, Body body) {
        return new Pdu(id, Optional.ofNullable(replyTo), 0, body);
    }

    public MessageType type() {
        return MessageType.of(body);
    }

    /** The body as {@code type}; callers switch on {@link #type()} first. */
    public <T extends Body> T body(Class<T> type) {
        return type.cast(body);
    }
}
