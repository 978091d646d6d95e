package dev.roost.edge.link;

/** Observations of the link for summaries; called on event loops, so implementations are thread-safe. */
public interface LinkMetrics {
    LinkMetrics NONE = new LinkMetrics() {
    };

    /** Authenticated; {@code reconnect} when this is not the first session of this manager. */
    default void connected(boolean reconnect) {
    }

    /** A connect or authentication attempt failed. */
    default void attemptFailed(String why) {
    }

    /** An authenticated link ended. */
    default void disconnected(int code, String reason) {
    }

    /** Round trip of a heartbeat {@code ping} to its {@code pong}. */
    default void pingRoundTrip(long nanos) {
    }

    /** Round trip of a {@code status} to its {@code status_ack}. */
    default void statusRoundTrip(long nanos) {
    }
}
