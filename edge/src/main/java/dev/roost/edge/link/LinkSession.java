package dev.roost.edge.link;

import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;

/**
 * What runs over an authenticated link: the agent's or a simulated device's protocol logic. The
 * {@link ConnectionManager} calls it on the device's event loop, one call at a time.
 */
public interface LinkSession {
    /** The server accepted us; the session starts (send the status snapshot, pending results). */
    void onLive(Link link, Messages.AuthOk ok);

    /**
     * A valid downlink message other than the link's own (auth replies, ping, pong). Throwing
     * {@link dev.roost.protocol.ProtocolException} answers the server with {@code error}.
     */
    void onMessage(Link link, Pdu pdu);

    /** The link ended; it will be re-established by the manager. */
    void onDown();

    /** Called every tick of the link's ticker, connected or not. */
    default void onTick(long nowMillis) {
    }
}
