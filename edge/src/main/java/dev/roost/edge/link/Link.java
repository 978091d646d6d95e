package dev.roost.edge.link;

import dev.roost.protocol.Body;

/**
 * The live, authenticated session of one connection. Callable from any thread. Once the
 * connection ends every send answers false: a link never carries a message into a later session.
 */
public interface Link {
    /** Sends a new message; @return its id, or empty when the link is gone */
    java.util.Optional<String> send(Body body);

    /** Sends a reply to {@code replyTo}; @return false when the link is gone */
    boolean reply(String replyTo, Body body);

    boolean isLive();
}
